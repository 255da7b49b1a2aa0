using Microsoft.Extensions.Logging;
using Outpost.Cloud.DeviceApi;

namespace Outpost.Cloud.Hosting;

/// <summary>
/// The last line of defence: a malformed request Kestrel rejects becomes its 4xx with a short message, and an
/// unexpected failure a logged 500 without a stack trace on the wire.
/// </summary>
internal sealed class ErrorBoundary(RequestDelegate next, ILogger<ErrorBoundary> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted && ex.InnerException is System.Text.Json.JsonException json)
        {
            // The binder's own words name .NET types; the caller needs the place in its JSON and what is wrong there.
            context.Response.Clear();
            await WriteAsync(context, ex.StatusCode, $"bad request: the body is not the JSON this call takes: {JsonProblem(json)}");
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await WriteAsync(context, ex.StatusCode, BindingProblem(ex));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            HostingLog.Unhandled(logger, context.Request.Method, context.Request.Path, ex);
            context.Response.Clear();
            await WriteAsync(context, 500, "internal error; see the server log");
        }
    }

    /// <summary>
    /// A request Kestrel or the endpoint binder refused, in the caller's terms: the binder's own messages name .NET types
    /// (<c>Failed to bind parameter "Nullable&lt;bool&gt; devices" from "yes".</c>).
    /// </summary>
    internal static string BindingProblem(BadHttpRequestException ex)
    {
        if (ex.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return "unsupported content type: send application/json";
        }

        // Kestrel's own words ("Request body too large. The max request body size is 16777216 bytes.") are not a bad
        // request: say what the limit is, as the device API does.
        var tooLarge = System.Text.RegularExpressions.Regex.Match(ex.Message, "max request body size is (?<limit>[0-9]+) bytes");
        if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge.Success ? $"request body is over {tooLarge.Groups["limit"].Value} bytes" : "request body is too large";
        }

        var parameter = System.Text.RegularExpressions.Regex.Match(ex.Message, "^Failed to bind parameter \"(?:.* )?(?<name>[^ ]+)\" from \"(?<value>.*)\"\\.$");
        if (parameter.Success)
        {
            return $"bad request: '{parameter.Groups["value"].Value}' is not a valid {parameter.Groups["name"].Value}";
        }

        var required = System.Text.RegularExpressions.Regex.Match(ex.Message, "^Required parameter \"(?:.* )?(?<name>[^ ]+)\" was not provided");
        return required.Success ? $"bad request: {required.Groups["name"].Value} is required" : "bad request: " + ex.Message;
    }

    /// <summary>Where a JSON body failed to bind, in the caller's terms: an unknown field by name, else the path and the problem.</summary>
    internal static string JsonProblem(System.Text.Json.JsonException json)
    {
        var path = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
        if (json.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return $"unknown field {path}";
        }

        return json.Message.Contains("could not be converted", StringComparison.Ordinal) ? $"wrong type at {path}" : $"malformed at {path}";
    }

    /// <summary>An error in the caller's dialect: RFC 7807 on the management API, one plain line on the device API.</summary>
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        var path = context.Request.Path;
        var management = path.StartsWithSegments("/api/v1", StringComparison.Ordinal)
            && !path.StartsWithSegments("/api/v1/device", StringComparison.Ordinal);
        return management
            ? Results.Problem(message, statusCode: status, title: Management.Problems.Title(status)).ExecuteAsync(context)
            : PlainResponse.ErrorAsync(context, status, message);
    }
}
