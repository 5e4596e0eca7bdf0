using Edge.Provisioning;

return await ProvisionCli.RunAsync(args, Terminal.System(), CancellationToken.None, handleSignals: true);
