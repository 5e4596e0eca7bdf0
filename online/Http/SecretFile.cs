using System.Text;

namespace Edge.Online.Http;

/// <summary>A key, secret or password kept in a file of its own: one line, the line break dropped.</summary>
public static class SecretFile
{
    /// <summary>The file's one value; <see cref="InvalidDataException"/> saying what is wrong with the file otherwise (never its content).</summary>
    public static string Read(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new InvalidDataException($"{path}: no such file");
        }

        if (file.Length > 4096)
        {
            throw new InvalidDataException($"{path}: {file.Length:N0} bytes is not a key, secret or password file (one line)");
        }

        var lines = Encoding.UTF8.GetString(File.ReadAllBytes(path)).TrimStart('\uFEFF').Split('\n')
            .Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        return lines.Count switch
        {
            0 => throw new InvalidDataException($"{path}: the file is empty"),
            1 => lines[0],
            _ => throw new InvalidDataException($"{path}: the file holds {lines.Count} lines; it should hold the one value"),
        };
    }
}
