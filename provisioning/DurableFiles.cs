namespace Edge.Provisioning;

/// <summary>
/// Files written so that a card pulled from the laptop right after the command holds them: each file is flushed to
/// the device (fsync) before it is renamed into place, and the folder holding the rename is flushed after it.
/// </summary>
public static class DurableFiles
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        file.Write(content);
        file.Flush(flushToDisk: true);
    }

    public static void Copy(string source, string target)
    {
        using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read))
        using (var to = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            from.CopyTo(to);
            to.Flush(flushToDisk: true);
        }

        File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(source));
    }

    /// <summary>
    /// Flushes a folder's entries (the names created and renamed in it). Only Linux needs it and allows it: there a
    /// rename is durable only once its folder is flushed; elsewhere the file system does it with the rename.
    /// </summary>
    public static void SyncFolder(string path) => Edge.Online.Roster.ParticipantsFile.SyncFolder(path);
}
