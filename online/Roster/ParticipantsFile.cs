using System.Runtime.InteropServices;

namespace Edge.Online.Roster;

/// <summary>
/// Replaces a roster file so that it is always either the old file or the whole new one: the new bytes go into a
/// temporary file in the same folder (so the last step is a rename on one file system), are flushed to the device, and
/// are renamed over the old file; then the folder is flushed so the rename itself survives a power cut. A box that
/// reloads the folder meanwhile reads one or the other, never a part.
/// </summary>
public static partial class ParticipantsFile
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux (x86-64 and arm64 alike)

    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!System.IO.Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: no such folder");
        }

        // A dot name the box's loader and a timer's file browser pass over; unique, so two pulls never share one.
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        SyncFolder(folder);
    }

    /// <summary>
    /// Flushes a folder's entries; only Linux needs it (there a rename is durable once its folder is flushed). Shared:
    /// edge-provision's own durable writes (provisioning/DurableFiles.cs) call it too.
    /// </summary>
    public static void SyncFolder(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(path, ReadOnly | Directory);
        if (fd < 0)
        {
            throw new IOException($"{path}: cannot open the folder to flush it (error {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"{path}: flushing the folder failed (error {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
