ScottPlot.Plot p = new();
p.Add.Scatter(new double[]{1,2,3}, new double[]{1,4,9});
p.SavePng("/tmp/t.png", 400, 300);
Console.WriteLine("ok");
