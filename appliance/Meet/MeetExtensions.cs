namespace Edge.Appliance.Meet;

public static class MeetExtensions
{
    /// <summary>Loads the meet folder from <c>Edge:MeetDir</c> (or runs the embedded default) and watches it.</summary>
    public static IHostApplicationBuilder AddMeet(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MeetOptions>().BindConfiguration(MeetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MeetHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MeetHost>());
        return builder;
    }
}
