using System.Globalization;
using System.Text;

namespace Edge.Appliance.Web;

/// <summary>A request parameter that makes no sense: answered 400 with the message, never 500.</summary>
public sealed class BadInputException(string message) : Exception(message);

/// <summary>Bounded reading of query parameters and route values.</summary>
public static class WebInput
{
    public const int MaxQueryLength = 64;
    public const int MaxPage = 100_000;
    public const int MaxIdLength = 64;
    public const int MaxBibLength = 32;

    /// <summary>A single-valued text parameter, trimmed; null when absent or empty.</summary>
    public static string? Text(HttpRequest request, string name, int maxLength)
    {
        var values = request.Query[name];
        if (values.Count > 1)
        {
            throw new BadInputException($"'{name}' is given {values.Count} times; give it once.");
        }

        var value = values.Count == 1 ? values[0]?.Trim() : null;
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            throw new BadInputException($"'{name}' is {value.Length} characters long; at most {maxLength} are accepted.");
        }

        if (value.Any(char.IsControl))
        {
            throw new BadInputException($"'{name}' holds control characters.");
        }

        return value;
    }

    /// <summary>A whole number parameter from 1 to <paramref name="max"/>; <paramref name="fallback"/> when absent.</summary>
    public static int Number(HttpRequest request, string name, int fallback, int max)
    {
        var text = Text(request, name, 20);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > max)
        {
            throw new BadInputException($"'{name}' must be a whole number from 1 to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>A whole number parameter from 0 up; null when absent.</summary>
    public static long? Long(HttpRequest request, string name)
    {
        var text = Text(request, name, 19);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new BadInputException($"'{name}' must be a whole number, not '{text}'.");
    }

    public static bool Flag(HttpRequest request, string name) => Text(request, name, 8) is "1" or "true";

    /// <summary>A route value (race id, bib, display id) bounded in length.</summary>
    public static string Route(string value, string what, int maxLength)
    {
        if (value.Length > maxLength || value.Length == 0 || value.Any(char.IsControl))
        {
            throw new BadInputException($"That is not a {what} (at most {maxLength} characters).");
        }

        return value;
    }

    /// <summary>Folds text for search: accents dropped, lower case, single spaces ("Zoë  Ångström" → "zoe angstrom").</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                space = folded.Length > 0;
                continue;
            }

            if (space)
            {
                folded.Append(' ');
                space = false;
            }

            folded.Append(char.ToLowerInvariant(c));
        }

        return folded.ToString();
    }

    /// <summary>A query string from name/value pairs, skipping empty values ("?gender=F&amp;page=2" or "").</summary>
    public static string Query(params (string Name, string? Value)[] pairs)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return query.ToString();
    }
}
