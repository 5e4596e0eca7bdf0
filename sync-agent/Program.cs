using System.Runtime.InteropServices;
using Edge.SyncAgent;

// edge-sync-agent: publishes the appliance's log to the cloud broker (docs/SYNC.md).
// Configuration: appsettings.json beside the binary, environment (Edge__DataDir), command line (--Edge:DataDir=...).
MemoryTrim.Configure();
AgentSettings configuration;
try
{
    configuration = AgentSettings.Load(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Environment.GetEnvironmentVariables(), args);
}
catch (SettingsException e)
{
    new AgentLog(Edge.SyncAgent.LogLevel.Information).Error(e.Message);
    return 2;
}

var log = new AgentLog(AgentLog.ParseLevel(configuration["Logging:LogLevel:Default"]));
AgentOptions options;
try
{
    options = AgentOptions.From(configuration);
}
catch (SettingsException e)
{
    // One line per bad setting, each naming it and its value.
    foreach (var problem in e.Message.Split('\n'))
    {
        log.Error(problem);
    }

    return 2;
}

using var stop = new CancellationTokenSource();
// systemd stops with SIGTERM; a terminal with SIGINT. Either: finish cleanly, save the watermark, exit 0.
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var agent = new SyncAgent(options, configuration, log, TimeProvider.System);
return agent.Run(stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
