using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Web;

/// <summary>The web side for phones and screens: pages, live updates, displays, the JSON API, exports, the sign and the captive portal.</summary>
public static class WebExtensions
{
    public static IHostApplicationBuilder AddResultsWeb(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidation>();
        builder.Services.AddSingleton<PageCache>();
        builder.Services.AddSingleton<CaptivePortal>();
        builder.Services.AddSingleton<LiveUpdates>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveUpdates>());
        builder.Services.AddSingleton<IResultsSites, BoxResultsSite>();
        builder.Services.AddSingleton<ScreenStreams>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScreenStreams>());
        // Phones on a crowded hotspot: every byte counts, and the Pi has little CPU to spare, so gzip at its fastest.
        builder.Services.AddResponseCompression(options =>
        {
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = [.. ResponseCompressionDefaults.MimeTypes, "text/csv", "image/svg+xml"];
        });
        builder.Services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        builder.AddRequestLimits();
        builder.AddApiDocs();
        return builder;
    }

    public static WebApplication MapResultsWeb(this WebApplication app)
    {
        app.Use(SecurityHeaders.Apply);
        app.UseErrorAnswers();
        app.UseMiddleware<CaptivePortal>();
        app.UseResponseCompression();
        app.UseBadInputAnswers();
        app.MapPhonePages();
        app.MapResultsApi();
        app.MapDisplays();
        app.MapExports();
        app.MapWifiSign();
        app.MapApiDocs();
        return app;
    }

    /// <summary>Nonsense input is answered 400 and what does not exist 404, each with a message that says which; never 500.</summary>
    public static IApplicationBuilder UseBadInputAnswers(this IApplicationBuilder app) => app.Use(AnswerBadInput);

    private static async Task AnswerBadInput(HttpContext context, RequestDelegate next)
    {
        int status;
        string message;
        try
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        catch (BadInputException e)
        {
            (status, message) = (StatusCodes.Status400BadRequest, e.Message);
        }
        catch (NotFoundException e)
        {
            (status, message) = (StatusCodes.Status404NotFound, e.Message);
        }

        if (context.Response.HasStarted)
        {
            return;
        }

        var response = context.Response;
        response.Clear();
        response.StatusCode = status;
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await response.WriteAsJsonAsync(new { error = message }, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // The page belongs to the results the request was for: the box's, or (in the cloud) one event's.
        var site = context.RequestServices.GetRequiredService<IResultsSites>().Find(context);
        var eventName = site?.Results.Current.Meet.Event.Name ?? "Results";
        var title = status == StatusCodes.Status400BadRequest ? "That request makes no sense" : "Not found";
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(Layout.Message(eventName, title, message, site?.Home ?? "/").ToString(), context.RequestAborted).ConfigureAwait(false);
    }
}
