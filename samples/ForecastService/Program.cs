// A forecasting web service over a model zip saved by the StockForecast sample (or any fitted SlidingWindow → ... →
// Lstm chain): POST /forecast, GET /health, OpenAPI at /openapi/v1.json. The zip is reloaded when it is replaced.
//   dotnet run -c Release --project samples/ForecastService -- --model out/stock-forecast/model.zip [--urls http://127.0.0.1:5000]
using ForecastService;

WebApplication app;
try
{
    app = ForecastServiceApp.Build(args);
}
catch (Exception e) when (e is InvalidOperationException or InvalidDataException or FileNotFoundException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
app.Run();
return 0;
