using Microsoft.AspNetCore.Http;

namespace ForecastService;

/// <summary>
/// Adds the fix to the 415 problem that routing gives a <c>POST /forecast</c> whose body is not declared as JSON (e.g.
/// curl's <c>-d</c> sends <c>application/x-www-form-urlencoded</c>).
/// </summary>
public static class UnsupportedMediaTypeHint
{
    /// <summary>The detail of the 415 problem.</summary>
    public const string Detail = "The request body must be JSON sent with the header 'Content-Type: application/json' " +
        "(curl: -H 'Content-Type: application/json' -d @request.json), e.g. {\"series\": {\"<column>\": [numbers]}, \"steps\": N}.";

    /// <summary>Sets <see cref="Detail"/> on a 415 problem; other problems are left as they are.</summary>
    public static void Add(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status != StatusCodes.Status415UnsupportedMediaType)
            return;
        context.ProblemDetails.Detail = Detail;
        context.ProblemDetails.Extensions["field"] = "Content-Type";
    }
}
