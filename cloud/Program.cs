using Edge.Cloud;
using Edge.Cloud.Boxes;
using Edge.Cloud.Events;
using Edge.Cloud.Intake;
using Microsoft.Extensions.Options;

// Settings beside the program, wherever it is started from.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBoxIntake();
builder.AddEvents();

var app = builder.Build();
app.MapBoxStatus();
app.MapEvents();
try
{
    // Every setting checked before anything starts: a bad one is named, without a stack trace.
    _ = app.Services.GetRequiredService<IOptions<CloudOptions>>().Value;
    _ = app.Services.GetRequiredService<IOptions<EventOptions>>().Value;
}
catch (OptionsValidationException e)
{
    foreach (var failure in e.Failures)
    {
        Console.Error.WriteLine($"fail: {failure}");
    }

    return 2;
}

app.Run();
return 0;

/// <summary>The cloud consumer: lands every box's synced log in PostgreSQL (docs/CLOUD.md).</summary>
public partial class Program;
