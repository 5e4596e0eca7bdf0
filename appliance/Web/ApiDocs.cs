namespace Edge.Appliance.Web;

/// <summary>
/// The JSON API described as OpenAPI at <c>/openapi/v1.json</c>, for tools and the cloud: one schema that consumers
/// and tests read. It covers <c>/api/</c> and <c>/healthz</c> only (pages, exports and the signed-in console are not
/// part of that contract). Built when asked for: no page links it and nothing is generated at start.
/// </summary>
public static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IHostApplicationBuilder AddApiDocs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.ShouldInclude = description => description.RelativePath is { } path
                && (path.StartsWith("api/", StringComparison.Ordinal) || path == "healthz");
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "edge race-day results box";
                document.Info.Description = "Results, status and stored meets of one box. Times are h:mm:ss.ff, clock times the event's local HH:mm:ss.ff.";
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        // The default pattern, /openapi/{documentName}.json: the one document is DocumentPath.
        app.MapOpenApi();
        return app;
    }
}
