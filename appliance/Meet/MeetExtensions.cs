namespace Edge.Appliance.Meet;

public static class MeetExtensions
{
    /// <summary>Loads the meet's event from <c>Edge:MeetDir</c>, or uses the embedded default when none is set.</summary>
    public static IHostApplicationBuilder AddMeet(this IHostApplicationBuilder builder)
    {
        var meetDir = builder.Configuration["Edge:MeetDir"];
        var meet = string.IsNullOrWhiteSpace(meetDir) ? MeetEvent.Default : MeetEvent.Load(meetDir);
        builder.Services.AddSingleton(meet);
        return builder;
    }
}
