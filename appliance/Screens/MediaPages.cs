using Edge.Appliance.Console;
using Microsoft.AspNetCore.Mvc;

namespace Edge.Appliance.Screens;

/// <summary>
/// The console's Images page (upload, list, delete; the timer only) and the public <c>/media/{id}.png</c> the
/// displays load. The upload route alone takes a body larger than the box's 1 MiB limit.
/// </summary>
public static class MediaPages
{
    /// <summary>The upload's body limit: the image and the multipart form around it.</summary>
    private const long MaxUploadBody = MediaStore.MaxBytes + (64 * 1024);

    public static RouteGroupBuilder MapMedia(this RouteGroupBuilder admin)
    {
        admin.MapGet("/media", Page).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/media", Upload).RequireAuthorization(ConsoleRoles.TimerPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBody));
        admin.MapPost("/media/delete", Delete).RequireAuthorization(ConsoleRoles.TimerPolicy);
        return admin;
    }

    /// <summary>Images are public: a display shows them without signing in. A URL names one picture for good, so it is cached for good.</summary>
    public static IEndpointRouteBuilder MapMediaFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/{id}.png", File);
        return app;
    }

    private static IResult File(HttpContext context, string id, MediaStore media)
    {
        if (media.Find(id) is not { } path)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.PhysicalFile(path, "image/png");
    }

    private static IResult Page(HttpContext context, MediaStore media)
    {
        var html = ConsoleLayout.Page(context, "Images", "/admin/media");
        html.Raw("<h1>Images</h1>");
        ConsoleLayout.Flash(html, context);
        html.Add($"<form method=\"post\" action=\"/admin/media\" enctype=\"multipart/form-data\" class=\"row\">{ConsoleLayout.Token(context)}");
        html.Raw("<label>Logo or sponsor image<input type=\"file\" name=\"image\" accept=\"image/png,image/jpeg,image/gif,image/webp\" required></label><button>Upload</button></form>");
        html.Add($"<p class=\"s\">PNG, JPEG, GIF or WebP, up to {MediaStore.MaxBytes / (1024 * 1024)} MiB and {MediaStore.MaxPixels / 1_000_000} megapixels. The box keeps a PNG copy scaled to fit {MediaStore.MaxWidth}×{MediaStore.MaxHeight}, without the photo's metadata (camera, place).</p>");
        var items = media.List();
        html.Add($"<h2>On the box ({items.Count})</h2>");
        if (items.Count == 0)
        {
            html.Raw("<p>No images yet.</p>");
        }
        else
        {
            var token = ConsoleLayout.Token(context);
            html.Raw("<table><tr><th>Image</th><th>Size</th><th></th></tr>");
            foreach (var item in items)
            {
                html.Add($"<tr><td><a href=\"{item.Url}\"><img src=\"{item.Url}\" alt=\"image {item.Id[..8]}\" width=\"160\" loading=\"lazy\"></a></td>");
                html.Add($"<td class=\"s\">{item.Width}×{item.Height}<br>{item.Bytes / 1024} KiB<br><code>{item.Url}</code></td><td>");
                html.Add($"<form method=\"post\" action=\"/admin/media/delete\" data-confirm=\"Delete this image? Displays that show it lose it.\">{token}<input type=\"hidden\" name=\"id\" value=\"{item.Id}\"><button class=\"danger\">Delete</button></form></td></tr>");
            }

            html.Raw("</table>");
        }

        return ConsoleLayout.End(html);
    }

    private static async Task<IResult> Upload(HttpContext context, MediaStore media)
    {
        if (!context.Request.HasFormContentType)
        {
            return Refused(context, new MediaException("Send the image from the Images page's form."));
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form.Files.GetFile("image") is not { } file)
        {
            return Refused(context, new MediaException("Choose an image file to upload."));
        }

        try
        {
            // The form's own length is known before the file is opened.
            if (file.Length > MediaStore.MaxBytes)
            {
                throw MediaStore.TooLarge();
            }

            await using var stream = file.OpenReadStream();
            var item = await media.AddAsync(stream, file.FileName, context.RequestAborted);
            return TypedResults.Redirect($"/admin/media?done={Uri.EscapeDataString($"Image stored: {item.Width}×{item.Height}, {item.Bytes / 1024} KiB.")}");
        }
        catch (MediaException e)
        {
            return Refused(context, e);
        }
    }

    private static async Task<IResult> Delete(HttpContext context, MediaStore media)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await ConsolePages.Do(context, "/admin/media", () =>
            Task.FromResult(media.Delete(form["id"].ToString()) ? "Image deleted." : throw new CorrectionException("There is no such image.")));
    }

    private static IResult Refused(HttpContext context, MediaException e)
    {
        var html = ConsoleLayout.Page(context, "Not stored", "/admin/media");
        html.Add($"<h1>Not stored</h1><p class=\"alarm\" role=\"alert\">{e.Message}</p><p><a href=\"/admin/media\">Back to Images</a></p>");
        html.Raw("</main></body></html>");
        return ConsoleLayout.Send(html, e.StatusCode);
    }
}
