using System.Text.Json;

namespace Edge.SyncAgent;

/// <summary>The agent's settings could not be read: a malformed appsettings.json or command-line argument.</summary>
public sealed class SettingsException(string message) : Exception(message);

/// <summary>
/// The agent's settings as keys like <c>Sync:MaxBatchItems</c> (case-insensitive, sections joined by ':'), each
/// source overriding the one before: <c>appsettings.json</c> beside the binary, environment variables
/// (<c>Sync__MaxBatchItems=500</c>), the command line (<c>--Sync:MaxBatchItems=500</c> or
/// <c>--Sync:MaxBatchItems 500</c>). The same layering and spelling as ASP.NET Core's configuration, which the
/// appliance uses; the agent reads its few keys itself because that library's providers cost it resident memory
/// it does not have to spare.
/// </summary>
public sealed class AgentSettings
{
    private readonly Dictionary<string, string> _values;
    private readonly string _prefix;

    private AgentSettings(Dictionary<string, string> values, string prefix)
    {
        _values = values;
        _prefix = prefix;
    }

    public string? this[string key] => _values.TryGetValue(_prefix + key, out var value) ? value : null;

    /// <summary>The keys under <paramref name="name"/>: <c>Section("Sync")["Nice"]</c> is <c>Sync:Nice</c>.</summary>
    public AgentSettings Section(string name) => new(_values, $"{_prefix}{name}:");

    /// <summary>The agent's settings: <paramref name="jsonFile"/> (when it exists), the environment, <paramref name="args"/>.</summary>
    public static AgentSettings Load(string? jsonFile, System.Collections.IDictionary environment, IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (jsonFile is not null && File.Exists(jsonFile))
        {
            AddJson(values, jsonFile);
        }

        foreach (System.Collections.DictionaryEntry variable in environment)
        {
            if (variable.Key is string name && variable.Value is string value)
            {
                values[name.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        AddArguments(values, args);
        return new AgentSettings(values, "");
    }

    /// <summary>Settings from command-line style arguments alone (tests, tools).</summary>
    public static AgentSettings FromArguments(params string[] args) => Load(null, new Dictionary<string, string>(), args);

    private static void AddJson(Dictionary<string, string> values, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SettingsException($"{path}: the settings must be a JSON object");
            }

            Flatten(values, "", document.RootElement);
        }
        catch (JsonException e)
        {
            throw new SettingsException($"{path}: line {e.LineNumber + 1}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"{path}: {e.Message}");
        }
    }

    private static void Flatten(Dictionary<string, string> values, string prefix, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(values, prefix + property.Name + ":", property.Value);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(values, prefix + index++ + ":", item);
                }

                break;
            case JsonValueKind.String:
                values[prefix[..^1]] = element.GetString()!;
                break;
            case JsonValueKind.Null:
                values[prefix[..^1]] = "";
                break;
            default:
                values[prefix[..^1]] = element.GetRawText();
                break;
        }
    }

    private static void AddArguments(Dictionary<string, string> values, IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var key = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg.StartsWith('/') ? arg[1..] : null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (key is null && equals > 0)
            {
                key = arg;
            }

            if (string.IsNullOrEmpty(key) || key.StartsWith('=') || key.StartsWith('-'))
            {
                throw new SettingsException($"command line: '{arg}' is not a setting (expected --Section:Key=value or --Section:Key value)");
            }

            if (key.IndexOf('=', StringComparison.Ordinal) is var at and > 0)
            {
                values[key[..at]] = key[(at + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[key] = args[++i];
            }
            else
            {
                throw new SettingsException($"command line: '{arg}' has no value");
            }
        }
    }
}
