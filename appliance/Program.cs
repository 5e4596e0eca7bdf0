using Edge.Appliance;

var app = EdgeApp.Build(args);
app.Run();
