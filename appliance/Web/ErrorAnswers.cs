namespace Edge.Appliance.Web;

/// <summary>
/// What a request gets when the box fails to answer it: 500 with one short plain sentence, never a stack trace or an
/// exception's text (they name files, SQL and settings), and the exception logged at Error. A request the client got
/// wrong that Kestrel finds out about only while a handler reads it (a body over the limit) keeps its own status
/// (413, 400) and is not logged as the box's failure. Routes that do not exist (404) or do not take the method (405)
/// answer with no body at all.
/// </summary>
public static class ErrorAnswers
{
    public const string Failed = "The box could not answer this request. Try again in a moment.\n";
    public const string TooLarge = "The request is too large.\n";
    public const string Unreadable = "The request could not be read.\n";

    public static WebApplication UseErrorAnswers(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = AnswerAsync,
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        return app;
    }

    private static Task AnswerAsync(HttpContext context)
    {
        var response = context.Response;
        // The handler starts from a cleared response: the answer carries the box's headers again.
        SecurityHeaders.Set(response.Headers);
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/plain; charset=utf-8";
        var text = response.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => TooLarge,
            < StatusCodes.Status500InternalServerError => Unreadable,
            _ => Failed,
        };
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }
}
