using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Management;

/// <summary>
/// The served OpenAPI document is enough to call the API from a generated client: every operation says what it answers
/// when it works (with the schema of the body), and every operation that needs a token says so with the bearer scheme.
/// </summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task EveryOperation_DescribesItsSuccessAnswer_AndThoseNeedingATokenRequireTheBearerScheme()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = cloud.BaseAddress };
        var document = await anonymous.GetFromJsonAsync<JsonElement>("api/v1/openapi.json");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        var failures = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var what = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var responses = operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
                if (!responses.Any(status => status.StartsWith('2')))
                {
                    failures.Add($"{what}: no 2xx response");
                }

                // A 2xx with a body names its schema in every media type (204 has no body).
                foreach (var ok in operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2') && r.Name != "204"))
                {
                    var described = ok.Value.TryGetProperty("content", out var content)
                        && content.EnumerateObject().Any()
                        && content.EnumerateObject().All(media => media.Value.TryGetProperty("schema", out _));
                    if (!described)
                    {
                        failures.Add($"{what}: {ok.Name} does not describe its body");
                    }
                }

                var secured = operation.Value.TryGetProperty("security", out var security)
                    && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("bearer", out _));
                if (secured != responses.Contains("401"))
                {
                    failures.Add($"{what}: answers 401 {responses.Contains("401")}, requires bearer {secured}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var listProducts = document.GetProperty("paths").GetProperty("/api/v1/products").GetProperty("get").GetProperty("responses").GetProperty("200");
        Assert.Equal("#/components/schemas/ProductDto",
            listProducts.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("items").GetProperty("$ref").GetString());
    }
}
