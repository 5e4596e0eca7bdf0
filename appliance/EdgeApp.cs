using Edge.Appliance.Box;
using Edge.Appliance.Console;
using Edge.Appliance.Demo;
using Edge.Appliance.Face;
using Edge.Appliance.Ingest;
using Edge.Appliance.Meet;
using Edge.Appliance.Online;
using Edge.Appliance.Orienteering;
using Edge.Appliance.Results;
using Edge.Appliance.Screens;
using Edge.Appliance.Store;
using Edge.Appliance.Web;

namespace Edge.Appliance;

/// <summary>The box's composition: each capability adds its services and maps its endpoints.</summary>
public static class EdgeApp
{
    public static WebApplication Build(string[] args) => Build(args, null);

    /// <summary>As <see cref="Build(string[])"/>; <paramref name="replace"/> may swap services after the box registered its own (tests replace what reaches outside the process, such as the system clock).</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? replace)
    {
        args = TranslateSwitches(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            // Settings ship beside the binary, wherever the box is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddMeet();
        builder.AddStore();
        builder.AddResults();
        builder.AddOrienteering();
        builder.AddScreens();
        builder.AddTiming();
        builder.AddDemo();
        builder.AddResultsWeb();
        builder.AddOnline();
        builder.AddConsole();
        builder.AddFace();
        builder.AddServiceWatchdog();
        replace?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseTiming();
        app.MapStatusApi();
        app.MapResultsWeb();
        app.MapConsole();
        app.MapOrienteering();
        return app;
    }

    /// <summary>
    /// <c>--demo</c> is the documented switch (configuration wants a key and a value). <c>--urls</c> becomes
    /// <c>Edge:Urls</c>: the box binds HTTP itself beside the timing port, and Kestrel would otherwise warn that
    /// code-defined endpoints override it.
    /// </summary>
    private static string[] TranslateSwitches(string[] args)
    {
        var translated = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--demo")
            {
                translated.Add("--Edge:Demo=true");
            }
            else if (arg.StartsWith("--urls=", StringComparison.Ordinal))
            {
                translated.Add("--Edge:Urls=" + arg["--urls=".Length..]);
            }
            else if (arg == "--urls" && i + 1 < args.Length)
            {
                translated.Add("--Edge:Urls=" + args[++i]);
            }
            else
            {
                translated.Add(arg);
            }
        }

        return [.. translated];
    }
}
