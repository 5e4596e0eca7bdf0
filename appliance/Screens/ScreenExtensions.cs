namespace Edge.Appliance.Screens;

/// <summary>The timer's screens: display templates and displays, kept in the meet's log.</summary>
public static class ScreenExtensions
{
    public static IHostApplicationBuilder AddScreens(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ScreenDesigns>();
        // After the store's hosted service: the open meet's entries are read at start.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScreenDesigns>());
        return builder;
    }
}
