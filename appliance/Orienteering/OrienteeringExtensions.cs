using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>Orienteering meets: IOF XML result lists from the inbox or an upload, scored per meet.json, on phones and in the API.</summary>
public static class OrienteeringExtensions
{
    public static IHostApplicationBuilder AddOrienteering(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OrienteeringOptions>().BindConfiguration(OrienteeringOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OrienteeringOptions>, OrienteeringOptionsValidation>();
        builder.Services.AddSingleton<OrienteeringResults>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OrienteeringResults>());
        builder.Services.AddSingleton<OrienteeringImport>();
        builder.Services.AddSingleton<OrienteeringInbox>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OrienteeringInbox>());
        builder.Services.AddSingleton<OrienteeringLive>();
        builder.Services.AddOptions<MopOptions>().BindConfiguration(MopOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MopOptions>, MopOptionsValidation>();
        builder.Services.AddSingleton<MopEndpoint>();
        return builder;
    }

    public static IEndpointRouteBuilder MapOrienteering(this IEndpointRouteBuilder app)
    {
        app.MapOrienteeringPages();
        app.MapOrienteeringApi();
        MopEndpoint.MapMop(app);
        return app;
    }
}
