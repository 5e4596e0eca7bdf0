using System.ComponentModel;
using System.Diagnostics;

namespace Edge.Provisioning.Card;

/// <summary>
/// The FAT file system inside an image file, reached with GNU mtools (<c>-i FILE@@OFFSET</c>): no mount, no root,
/// the same way the image build writes its partitions. Paths are mtools paths, like <c>::/meet</c>.
/// </summary>
public sealed class Mtools(string image, long offset)
{
    private readonly string _drive = $"{image}@@{offset}";

    public bool Exists(string path) => Run("mdir", ["-b", path], allowFailure: true).ExitCode == 0;

    public void MakeFolder(string path) => Run("mmd", [path]);

    /// <summary>Copies files and folders (recursively) into the folder <paramref name="target"/>, keeping their times.</summary>
    public void Copy(IEnumerable<string> sources, string target) =>
        // -D o: overwrite on a name clash instead of asking (nothing is there to clash with, and nobody would answer).
        Run("mcopy", ["-s", "-m", "-Q", "-D", "o", .. sources, target]);

    public void Rename(string from, string to) => Run("mren", [from, to]);

    public void DeleteTree(string path) => Run("mdeltree", [path]);

    /// <summary>A file's bytes as they are on the FAT file system.</summary>
    public byte[] Read(string path)
    {
        var temp = Path.GetTempFileName();
        try
        {
            Run("mcopy", ["-n", "-o", path, temp]);
            return File.ReadAllBytes(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private (int ExitCode, string Output) Run(string tool, IEnumerable<string> args, bool allowFailure = false)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-i");
        info.ArgumentList.Add(_drive);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Partition sizes from other tools need not match the FAT geometry mtools expects; the FAT itself is what counts.
        info.Environment["MTOOLS_SKIP_CHECK"] = "1";
        // No user's ~/.mtoolsrc can redefine drives or name handling under us.
        info.Environment["MTOOLSRC"] = "/dev/null";

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception)
        {
            throw new ProvisionException($"{tool} (GNU mtools) is not installed: on Debian or Ubuntu `sudo apt-get install mtools`, on macOS `brew install mtools`");
        }

        using (process)
        {
            // mtools asks on the terminal in a few cases; it must never wait for an answer.
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 && !allowFailure)
            {
                throw new ProvisionException($"{tool} {string.Join(' ', info.ArgumentList)} failed (exit {process.ExitCode}): {error.Result.Trim()}");
            }

            return (process.ExitCode, output);
        }
    }
}
