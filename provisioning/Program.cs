using Edge.Provisioning;

return await ProvisionCli.RunAsync(args, Terminal.Standard(), CancellationToken.None, handleSignals: true);
