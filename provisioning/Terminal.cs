namespace Edge.Provisioning;

/// <summary>
/// Where the CLI talks to the timer: its input, output and error text, and whether a person is at a terminal who can
/// be asked for what the command line left out. Tests pass their own readers and writers.
/// </summary>
public class Terminal(TextReader input, TextWriter output, TextWriter error, bool interactive)
{
    public TextReader In { get; } = input;
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;

    /// <summary>True when questions may be asked (standard input is a terminal, or a test scripts the answers).</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>The process's own console: interactive when standard input is a terminal.</summary>
    public static Terminal Standard() => new ConsoleTerminal();

    /// <summary>Asks a question; an empty answer takes <paramref name="suggestion"/>. Null when the input has ended.</summary>
    public string? Ask(string question, string? suggestion = null)
    {
        Out.Write(suggestion is null ? $"{question}: " : $"{question} [{suggestion}]: ");
        Out.Flush();
        var answer = In.ReadLine();
        if (answer is null)
        {
            Out.WriteLine();
            return null;
        }

        answer = answer.Trim();
        return answer.Length == 0 && suggestion is not null ? suggestion : answer;
    }

    /// <summary>Asks for a secret; what is typed is not shown. Null when the input has ended.</summary>
    public string? AskSecret(string question)
    {
        Out.Write($"{question}: ");
        Out.Flush();
        var answer = ReadSecretLine();
        Out.WriteLine();
        return answer;
    }

    protected virtual string? ReadSecretLine() => In.ReadLine();

    private sealed class ConsoleTerminal() : Terminal(Console.In, Console.Out, Console.Error, !Console.IsInputRedirected)
    {
        protected override string? ReadSecretLine()
        {
            if (Console.IsInputRedirected)
            {
                return In.ReadLine();
            }

            // Key by key without echo, so the password never shows on a screen at the finish line.
            var typed = new System.Text.StringBuilder();
            for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            {
                if (key.Key == ConsoleKey.Backspace)
                {
                    typed.Length = Math.Max(0, typed.Length - 1);
                }
                else if (key.KeyChar == '\u0004' && typed.Length == 0)
                {
                    // Ctrl+D on an empty line: the timer gives up.
                    return null;
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    typed.Append(key.KeyChar);
                }
            }

            return typed.ToString();
        }
    }
}
