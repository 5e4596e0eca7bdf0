namespace Edge.SyncAgent.Tests.Support;

/// <summary>The agent's MQTT client libraries (<c>Sync:Transport</c>): the tests that matter run on each.</summary>
public static class Transports
{
    public static TheoryData<string> Both => new() { "mosquitto", "mqttnet" };
}
