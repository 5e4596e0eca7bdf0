namespace Edge.Provisioning;

/// <summary>A failure the timer can act on: its message is printed as it is, and the command exits 1.</summary>
public sealed class ProvisionException(string message) : Exception(message);
