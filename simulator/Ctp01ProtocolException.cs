namespace Edge.Simulator;

/// <summary>The server broke the protocol or refused us; handled like any other drop.</summary>
internal sealed class Ctp01ProtocolException(string message) : IOException(message);
