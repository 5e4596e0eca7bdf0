namespace Edge.SyncAgent.Tests;

/// <summary>The agent's settings: appsettings.json, then the environment, then the command line, as ASP.NET Core layers them.</summary>
public sealed class SettingsTests : IDisposable
{
    private readonly string _dir = Edge.Tests.Support.TempDir.Create("sync-settings");

    private string Json(string text)
    {
        var path = Path.Combine(_dir, "appsettings.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Later_sources_override_earlier_ones_and_keys_ignore_case()
    {
        var file = Json("""{ "Sync": { "MaxBatchItems": 100, "Nice": 5, "ClientId": "from-file", "Flag": true, "None": null }, "List": [ "a", "b" ] }""");
        var environment = new Dictionary<string, string> { ["SYNC__NICE"] = "7", ["Sync__ClientId"] = "from-env" };
        var settings = AgentSettings.Load(file, environment, ["--sync:clientid=from-args", "--Edge:DataDir", "/var/lib/edge", "Cloud:DeviceId=box-1"]);

        var sync = settings.Section("Sync");
        Assert.Equal("100", sync["MaxBatchItems"]);
        Assert.Equal("7", sync["nice"]);
        Assert.Equal("from-args", sync["ClientId"]);
        Assert.Equal("true", sync["Flag"]);
        Assert.Equal("", sync["None"]);
        Assert.Equal("b", settings["List:1"]);
        Assert.Equal("/var/lib/edge", settings["Edge:DataDir"]);
        Assert.Equal("box-1", settings.Section("Cloud")["DeviceId"]);
        Assert.Null(sync["Missing"]);
        Assert.Null(settings["MaxBatchItems"]);
    }

    [Fact]
    public void A_missing_file_is_no_settings_and_a_value_may_contain_equals_signs()
    {
        var settings = AgentSettings.Load(Path.Combine(_dir, "absent.json"), new Dictionary<string, string>(), ["--Cloud:Username=a=b"]);
        Assert.Equal("a=b", settings["Cloud:Username"]);
    }

    [Theory]
    [InlineData("""{ "Sync": { "Nice": 5, } """, "line 1")]
    [InlineData("""[ 1, 2 ]""", "must be a JSON object")]
    public void A_malformed_file_is_an_error_naming_it(string text, string message)
    {
        var file = Json(text);
        var e = Assert.Throws<SettingsException>(() => AgentSettings.Load(file, new Dictionary<string, string>(), []));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-x", "is not a setting")]
    [InlineData("--", "is not a setting")]
    [InlineData("--=value", "is not a setting")]
    [InlineData("stray", "is not a setting")]
    [InlineData("--Sync:Nice", "has no value")]
    public void A_malformed_argument_is_an_error_naming_it(string arg, string message)
    {
        var e = Assert.Throws<SettingsException>(() => AgentSettings.FromArguments(arg));
        Assert.Contains($"'{arg}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Edge.Tests.Support.TempDir.Delete(_dir);
}
