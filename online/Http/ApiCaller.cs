using System.Net;
using System.Text;

namespace Edge.Online.Http;

/// <summary>One answer as the caller sees it: status, headers (names in any case) and the whole body.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// The one way the service clients make a call: within the request budget, tried again with exponential backoff after a
/// 5xx, a timeout or a transport error, after the wait a 429's Retry-After asks for, with the answer read up to a size
/// limit. A call that cannot succeed ends in an <see cref="OnlineException"/> saying which call and why; nothing else
/// escapes but cancellation.
/// </summary>
/// <remarks>
/// Only calls safe to repeat go through here: roster pages are reads, and RunSignUp matches posted results by bib, so
/// a batch sent twice (its answer lost) updates the same rows.
/// The request timeout runs on the real clock (it bounds a network wait); backoff, Retry-After and the budget run on
/// the <see cref="TimeProvider"/>.
/// </remarks>
internal sealed class ApiCaller(HttpClient http, string service, CallPolicy policy, RequestBudget budget, TimeProvider time, Func<byte[], string?> errorText)
{
    public string Service { get; } = service;

    /// <summary>
    /// Makes the call: <paramref name="request"/> builds the request afresh for each try (a message is sent once);
    /// <paramref name="what"/> names the call in the timer's words ("participants page 3 of race 123");
    /// <paramref name="refused"/> gives the message for a 401 or 403 from what the service said (null if nothing readable).
    /// </summary>
    public async Task<ApiAnswer> CallAsync(Func<HttpRequestMessage> request, string what, Func<string?, string> refused, CancellationToken cancellationToken)
    {
        var last = "";
        var lastProblem = OnlineProblem.Unavailable;
        for (var attempt = 1; ; attempt++)
        {
            await budget.TakeAsync(policy.MaxBudgetWait, Service, cancellationToken);
            TimeSpan? wait = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(policy.RequestTimeout);
                using var message = request();
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    return new ApiAnswer(response.StatusCode, Headers(response), await ReadBodyAsync(response, what, timeout.Token));
                }

                // An error's body is read for the service's own words: its start only, so a huge error page is no failure of its own.
                var body = await ReadStartAsync(response, timeout.Token);
                var said = errorText(body) ?? PlainText(body);
                var answer = $"{status} {Reason(response)}{(said is null ? "" : $" ({said})")}";
                switch (status)
                {
                    case 401 or 403:
                        throw new OnlineException(OnlineProblem.Refused, refused(said));
                    case 404:
                        throw new OnlineException(OnlineProblem.NotFound, $"{Service} answered {answer} to {what}: check the ids");
                    case 429:
                        lastProblem = OnlineProblem.RateLimited;
                        wait = RetryAfter.Parse(response.Headers.RetryAfter?.ToString(), time.GetUtcNow()) ?? policy.Backoff(attempt);
                        if (wait > policy.MaxRetryAfter)
                        {
                            throw new OnlineException(OnlineProblem.RateLimited,
                                $"{Service} asks to wait {RequestBudget.Describe(wait.Value)} before {what} (429 Too Many Requests), longer than the {RequestBudget.Describe(policy.MaxRetryAfter)} this client waits; try again later");
                        }

                        break;
                    case >= 500:
                        lastProblem = OnlineProblem.Unavailable;
                        // A 503 may say when to come back; otherwise the backoff.
                        wait = RetryAfter.Parse(response.Headers.RetryAfter?.ToString(), time.GetUtcNow()) is { } asked && asked <= policy.MaxRetryAfter
                            ? asked
                            : policy.Backoff(attempt);
                        break;
                    default:
                        throw new OnlineException(OnlineProblem.Rejected, $"{Service} answered {answer} to {what}");
                }

                last = answer;
            }
            catch (HttpRequestException e)
            {
                (last, lastProblem) = ($"{Transport(e)}", OnlineProblem.Unavailable);
            }
            catch (IOException e)
            {
                (last, lastProblem) = ($"the connection broke ({e.Message})", OnlineProblem.Unavailable);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                (last, lastProblem) = ($"no whole answer within {RequestBudget.Describe(policy.RequestTimeout)}", OnlineProblem.Unavailable);
            }

            if (attempt >= policy.MaxAttempts)
            {
                throw new OnlineException(lastProblem, $"{Service} did not answer {what} after {attempt} tr{(attempt == 1 ? "y" : "ies")}: {last}");
            }

            await Task.Delay(wait ?? policy.Backoff(attempt), time, cancellationToken);
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var limit = policy.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } length && length > limit)
        {
            throw TooLarge(what, $"{length:N0} bytes");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        for (int read; (read = await stream.ReadAsync(buffer, cancellationToken)) > 0;)
        {
            if (body.Length + read > limit)
            {
                throw TooLarge(what, $"more than {limit:N0} bytes");
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }

    private const int ErrorBodyBytes = 16 * 1024;

    private static async Task<byte[]> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ErrorBodyBytes];
        var length = 0;
        for (int read; length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0;)
        {
            length += read;
        }

        return buffer[..length];
    }

    private OnlineException TooLarge(string what, string size) =>
        new(OnlineProblem.TooLarge, $"{Service}'s answer to {what} is {size}, more than the {policy.MaxResponseBytes:N0} this client reads; ask for smaller pages");

    private static Dictionary<string, string> Headers(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(",", values);
        }

        return headers;
    }

    private static string Reason(HttpResponseMessage response) =>
        string.IsNullOrWhiteSpace(response.ReasonPhrase) ? response.StatusCode.ToString() : response.ReasonPhrase;

    private static string Transport(HttpRequestException e) =>
        // The message names the host and port at most, never the query with its credentials.
        e.HttpRequestError == HttpRequestError.Unknown ? $"transport error ({e.Message})" : $"{e.HttpRequestError} ({e.Message})";

    /// <summary>A body's first line as text, for a message: printable characters only, at most 200.</summary>
    internal static string? PlainText(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400));
        var shown = new StringBuilder();
        foreach (var c in text)
        {
            if (shown.Length >= 200)
            {
                shown.Append('…');
                break;
            }

            shown.Append(char.IsControl(c) ? ' ' : c);
        }

        var line = shown.ToString().Trim();
        return line.Length == 0 || line.StartsWith('<') ? null : line;
    }
}
