using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Outpost.Cloud.Management;

/// <summary>
/// Tells the OpenAPI document how the management API authenticates: a <c>bearer</c> security scheme, required by every
/// operation that can answer 401 (all but health). Without it, generated clients and API browsers send no token.
/// </summary>
internal sealed class OpenApiBearerScheme : IOpenApiDocumentTransformer
{
    private const string SchemeName = "bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token (opt_…): the admin token printed by the first `outpost serve`, or one made with `outpost token create`.",
        };

        foreach (var path in document.Paths.Values)
        {
            if (path.Operations is null)
            {
                continue;
            }

            foreach (var operation in path.Operations.Values)
            {
                if (operation.Responses?.ContainsKey("401") == true)
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
                }
            }
        }

        return Task.CompletedTask;
    }
}
