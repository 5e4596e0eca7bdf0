using Edge.Appliance.Demo;

using Edge.Appliance.Ingest;
using Edge.Appliance.Meet;
using Edge.Appliance.Store;
using Edge.Appliance.Web;

namespace Edge.Appliance;

/// <summary>The box's composition: each capability adds its services and maps its endpoints.</summary>
public static class EdgeApp
{
    public static WebApplication Build(string[] args)
    {
        // `--demo` is the documented switch; configuration wants a key and a value.
        args = [.. args.Select(a => a == "--demo" ? "--Edge:Demo=true" : a)];
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            // Settings ship beside the binary, wherever the box is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddMeet();
        builder.AddStore();
        builder.AddTiming();
        builder.AddDemo();

        var app = builder.Build();
        app.UseTiming();
        app.MapStatusApi();
        return app;
    }
}
