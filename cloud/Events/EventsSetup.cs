using Edge.Appliance.Web;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Events;

public static class EventsSetup
{
    /// <summary>The events folder, and one results engine per event fed from PostgreSQL (docs/EVENTS.md).</summary>
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventOptions>().BindConfiguration(CloudOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EventOptions>, EventOptionsValidator>();
        // The box's own page settings (live interval, heartbeat, most streams), defaults in WebOptions.
        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section);
        builder.Services.AddSingleton<PageCache>();
        builder.Services.AddSingleton<EventCatalog>();
        builder.Services.AddSingleton<IResultsSites>(services => services.GetRequiredService<EventCatalog>());
        builder.Services.AddHostedService(services => services.GetRequiredService<EventCatalog>());
        return builder;
    }

    private sealed class EventOptionsValidator : IValidateOptions<EventOptions>
    {
        public ValidateOptionsResult Validate(string? name, EventOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
