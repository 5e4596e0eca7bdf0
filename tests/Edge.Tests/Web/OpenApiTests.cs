using System.Net;
using System.Text.Json;
using Edge.Appliance.Web;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Web;

/// <summary>The JSON API is described by one OpenAPI document that covers every route the box maps under <c>/api/</c>.</summary>
public class OpenApiTests
{
    [Fact]
    public async Task The_document_describes_every_api_route_the_box_maps_with_its_answer()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var response = await box.Http.GetAsync(ApiDocs.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString());
        var paths = document.RootElement.GetProperty("paths");

        var routes = box.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Path: OpenApiPath(e.RoutePattern), Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(routes.Count >= 8, $"{routes.Count} api routes");
        foreach (var (path, method) in routes)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not described");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not described");
            var content = operation.GetProperty("responses").GetProperty("200").GetProperty("content");
            var type = path.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "application/json";
            Assert.True(content.TryGetProperty(type, out var answer), $"{method} {path}: no {type} answer described");
            if (type == "application/json")
            {
                Assert.True(answer.TryGetProperty("schema", out _), $"{method} {path}: no schema");
            }
        }

        // Pages are not part of the API's contract; health is.
        Assert.True(paths.TryGetProperty("/healthz", out _));
        Assert.All(paths.EnumerateObject(), p => Assert.True(p.Name.StartsWith("/api/", StringComparison.Ordinal) || p.Name == "/healthz", p.Name));
    }

    [Fact]
    public async Task No_page_carries_or_links_the_document()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        foreach (var page in new[] { "/", "/races/10k", "/participants/101" })
        {
            Assert.DoesNotContain("openapi", await box.Http.GetStringAsync(page), StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>A route pattern as OpenAPI writes its path: parameters by name, without constraints.</summary>
    private static string OpenApiPath(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"{pattern.RawText}: unexpected part"),
        }))));
}
