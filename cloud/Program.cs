using Edge.Cloud.Boxes;
using Edge.Cloud.Intake;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddBoxIntake();

var app = builder.Build();
app.MapBoxStatus();
app.Run();

/// <summary>The cloud consumer: lands every box's synced log in PostgreSQL (docs/CLOUD.md).</summary>
public partial class Program;
