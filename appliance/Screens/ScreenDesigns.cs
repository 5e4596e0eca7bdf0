using System.Security.Cryptography;
using Edge.Appliance.Meet;
using Edge.Appliance.Store;
using Edge.Store;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Screens;

/// <summary>The open meet's templates and displays as one immutable set; <see cref="Version"/> grows with every change.</summary>
public sealed record ScreenSet(IReadOnlyDictionary<string, DisplayTemplate> Templates, IReadOnlyDictionary<string, ScreenDisplay> Displays, long Version)
{
    public static ScreenSet Empty { get; } = new(new Dictionary<string, DisplayTemplate>(), new Dictionary<string, ScreenDisplay>(), 0);

    /// <summary>The display at <c>/d/{id}</c> and its template; null when unknown, revoked, or its template is gone.</summary>
    public (ScreenDisplay Display, DisplayTemplate Template)? Find(string id) =>
        Displays.TryGetValue(id, out var d) && !d.Revoked && Templates.TryGetValue(d.TemplateId, out var t) ? (d, t) : null;
}

/// <summary>
/// The timer's screens: templates and displays from meet.json's <c>displays</c> (each a built-in template and display
/// of the same id), then the meet folder's <c>displays.json</c>, then the log's entries (kinds 20 and 21), later ones
/// winning per id. Changes are log entries (durable, in backups, synced); the meet folder is written only when the
/// timer exports, because on the image it sits on a FAT partition that a power cut mid-write corrupts.
/// </summary>
public sealed partial class ScreenDesigns(ReadStore store, MeetHost meetHost, IOptions<StoreOptions> storeOptions, TimeProvider time, ILogger<ScreenDesigns> logger)
    : IHostedService
{
    /// <summary>The meet folder's file of templates and displays.</summary>
    public const string FileName = "displays.json";

    private readonly Lock _lock = new();
    private ScreenSet _current = ScreenSet.Empty;
    private long _version;

    public ScreenSet Current => Volatile.Read(ref _current);

    /// <summary>Raised after the set changed (a console edit, another meet, a meet folder edit).</summary>
    public event Action<ScreenSet>? Changed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Raised on the store's writer and the meet folder's watcher: a failure here is logged, never theirs.
        store.MeetOpened += _ => ReloadLogged();
        meetHost.Changed += _ => ReloadLogged();
        Reload();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A new display id: 128 random bits in hex, so nobody finds a screen by guessing.</summary>
    public static string NewId() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>Stores a template (new, or a new version of one) and returns once the screens show it.</summary>
    public async Task SaveTemplateAsync(DisplayTemplate template, string by, CancellationToken ct)
    {
        var meet = meetHost.Current;
        // An orienteering template names classes, which come with the exports: one may be set up before its class arrives.
        foreach (var race in template.ShowsOrienteering ? [] : template.Races.Where(r => meet.FindRace(r) is null))
        {
            throw new ScreenDesignException($"There is no race '{race}' in the meet ({string.Join(", ", meet.Races.Select(r => r.Id))}).");
        }

        var set = Current;
        foreach (var part in template.Parts)
        {
            if (!set.Templates.TryGetValue(part, out var shown) || shown.Layout == ScreenLayout.Split)
            {
                throw new ScreenDesignException($"A split shows two existing templates that are not splits themselves; '{part}' is not one.");
            }
        }

        var json = ScreenJson.Write(template, by, time.GetUtcNow().ToUnixTimeMilliseconds());
        // Read back as the log will be read: what cannot be loaded is never stored.
        _ = ScreenJson.ReadTemplate(json);
        await AppendAsync(LogKind.DisplayTemplate, template.Id, json, ct).ConfigureAwait(false);
        LogTemplateSaved(template.Id, by);
    }

    /// <summary>
    /// Removes one of the timer's templates. Not meet.json's own (the meet folder says those), and not one a display
    /// or a split still shows: the timer points those elsewhere first, so no screen goes blank by surprise.
    /// </summary>
    public async Task RemoveTemplateAsync(string id, string by, CancellationToken ct)
    {
        var set = Current;
        if (!set.Templates.TryGetValue(id, out var template))
        {
            throw new ScreenDesignException("There is no such template.");
        }

        if (template.BuiltIn)
        {
            throw new ScreenDesignException($"{template.Name} comes from meet.json's displays; remove it there.");
        }

        var users = set.Displays.Values.Where(d => !d.Revoked && d.TemplateId == id).Select(d => d.Name)
            .Concat(set.Templates.Values.Where(t => t.Parts.Contains(id)).Select(t => $"the split {t.Name}")).ToList();
        if (users.Count > 0)
        {
            throw new ScreenDesignException($"{template.Name} is still shown by {string.Join(", ", users)}; point those at another template first.");
        }

        var json = ScreenJson.WriteRemoval(id, by, time.GetUtcNow().ToUnixTimeMilliseconds());
        await AppendAsync(LogKind.DisplayTemplate, id, json, ct).ConfigureAwait(false);
        LogTemplateRemoved(id, by);
    }

    /// <summary>Stores a display (new, renamed, pointed at another template, or revoked).</summary>
    public async Task SaveDisplayAsync(ScreenDisplay display, string by, CancellationToken ct)
    {
        if (!display.Revoked && !Current.Templates.ContainsKey(display.TemplateId))
        {
            throw new ScreenDesignException($"There is no template '{display.TemplateId}'.");
        }

        var json = ScreenJson.Write(display, by, time.GetUtcNow().ToUnixTimeMilliseconds());
        _ = ScreenJson.ReadDisplay(json);
        await AppendAsync(LogKind.Display, display.Id, json, ct).ConfigureAwait(false);
        LogDisplaySaved(display.Id, display.Revoked ? "revoked" : "saved", by);
    }

    /// <summary>
    /// Writes the timer's templates and displays (not meet.json's own, not revoked ones) into the meet folder's
    /// <c>displays.json</c>: a temporary file flushed to the card, then renamed over the old one. Returns its path.
    /// </summary>
    public string Export()
    {
        var dir = meetHost.Directory ?? throw new ScreenDesignException("The box runs without a meet folder: there is nowhere to export to.");
        var set = Current;
        var text = ScreenJson.WriteFile(
            set.Templates.Values.Where(t => !t.BuiltIn).OrderBy(t => t.Id, StringComparer.Ordinal),
            set.Displays.Values.Where(d => !d.BuiltIn && !d.Revoked).OrderBy(d => d.Id, StringComparer.Ordinal));
        var path = Path.Combine(dir, FileName);
        var temporary = path + ".tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(System.Text.Encoding.UTF8.GetBytes(text));
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScreenDesignException($"The meet folder could not be written: {e.Message}");
        }

        LogExported(path);
        return path;
    }

    private async Task AppendAsync(LogKind kind, string id, string json, CancellationToken ct)
    {
        if (!store.IsOpen)
        {
            throw new ScreenDesignException("The store is not open: nothing can be saved now.");
        }

        await store.AppendCorrectionAsync(kind, id, "", 0, json, ct).ConfigureAwait(false);
        Reload();
    }

    private void ReloadLogged()
    {
        try
        {
            Reload();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            // The screens keep the set they had; the next change or restart reads it again.
            LogReloadFailed(e);
        }
    }

    /// <summary>Builds the set again from meet.json, the meet folder's file and the log.</summary>
    public void Reload()
    {
        lock (_lock)
        {
            var templates = new Dictionary<string, DisplayTemplate>(StringComparer.Ordinal);
            var displays = new Dictionary<string, ScreenDisplay>(StringComparer.Ordinal);
            var meet = meetHost.Current;
            foreach (var d in meet.Displays)
            {
                var layout = d.Kind switch
                {
                    DisplayKind.Leaderboard => ScreenLayout.Leaderboard,
                    DisplayKind.OnCourse => ScreenLayout.OnCourse,
                    DisplayKind.Announcer => ScreenLayout.Announcer,
                    DisplayKind.Orienteering => ScreenLayout.Orienteering,
                    DisplayKind.Radio => ScreenLayout.Radio,
                    _ => ScreenLayout.Finish,
                };
                templates[d.Id] = DisplayTemplate.Default(d.Id, d.Title, layout) with { Races = d.RaceId is { } r ? [r] : [], BuiltIn = true };
                displays[d.Id] = new ScreenDisplay(d.Id, d.Title, d.Id, false) { BuiltIn = true };
            }

            ReadFolder(templates, displays);
            ReadLog(templates, displays);
            var set = new ScreenSet(templates, displays, ++_version);
            Volatile.Write(ref _current, set);
            Changed?.Invoke(set);
        }
    }

    private void ReadFolder(Dictionary<string, DisplayTemplate> templates, Dictionary<string, ScreenDisplay> displays)
    {
        if (meetHost.Directory is not { } dir || !File.Exists(Path.Combine(dir, FileName)))
        {
            return;
        }

        try
        {
            var (fileTemplates, fileDisplays) = ScreenJson.ReadFile(File.ReadAllText(Path.Combine(dir, FileName)));
            foreach (var t in fileTemplates)
            {
                templates[t.Id] = t;
            }

            foreach (var d in fileDisplays)
            {
                displays[d.Id] = d;
            }
        }
        catch (Exception e) when (e is ScreenDesignException or IOException or UnauthorizedAccessException)
        {
            LogFileRefused(Path.Combine(dir, FileName), e.Message);
        }
    }

    private void ReadLog(Dictionary<string, DisplayTemplate> templates, Dictionary<string, ScreenDisplay> displays)
    {
        if (!store.IsOpen)
        {
            return;
        }

        using var connection = EdgeDatabase.OpenReader(Path.GetFullPath(storeOptions.Value.DataDir));
        using var command = connection.CreateCommand();
        // kind >= 10 lets SQLite use the partial index of corrections (log_corrections).
        command.CommandText = "SELECT id, kind, tag, raw FROM log WHERE meet_id = $m AND kind >= 10 AND kind IN (20, 21) ORDER BY id";
        command.Parameters.AddWithValue("$m", store.Meet.Id);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var (id, kind, tag, raw) = (reader.GetInt64(0), (LogKind)reader.GetInt32(1), reader.GetString(2), reader.GetString(3));
            try
            {
                if (kind == LogKind.DisplayTemplate)
                {
                    if (ScreenJson.ReadTemplate(raw) is { } t && t.Id == tag)
                    {
                        templates[tag] = t;
                    }
                    else
                    {
                        templates.Remove(tag);
                    }
                }
                else if (ScreenJson.ReadDisplay(raw) is { } d && d.Id == tag)
                {
                    displays[tag] = d;
                }
            }
            catch (ScreenDesignException e)
            {
                // Another box's newer format, or a damaged row: the screen keeps its last good design.
                LogEntrySkipped(id, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Template {Id} saved by {By}")]
    private partial void LogTemplateSaved(string id, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Template {Id} removed by {By}")]
    private partial void LogTemplateRemoved(string id, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Display {Id} {What} by {By}")]
    private partial void LogDisplaySaved(string id, string what, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Screens exported to {Path}")]
    private partial void LogExported(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} was not read: {Problem}")]
    private partial void LogFileRefused(string path, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Screens could not be read again")]
    private partial void LogReloadFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Screen entry {Id} skipped: {Problem}")]
    private partial void LogEntrySkipped(long id, string problem);
}
