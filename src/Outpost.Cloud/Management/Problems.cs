namespace Outpost.Cloud.Management;

/// <summary>RFC 7807 problem answers of the management API, one short sentence each; every title is the status's
/// reason phrase in sentence case, whichever path answers.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: 400, title: Title(400));

    public static IResult NotFound(string detail) => Results.Problem(detail, statusCode: 404, title: Title(404));

    public static IResult Conflict(string detail) => Results.Problem(detail, statusCode: 409, title: Title(409));

    /// <summary>A conflict a client can resolve by itself: <paramref name="code"/> (a problem <c>code</c> member) says which,
    /// so a client (the CLI) can word it in its own terms without parsing <paramref name="detail"/>.</summary>
    public static IResult Conflict(string detail, string code) =>
        Results.Problem(detail, statusCode: 409, title: Title(409), extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult TooLarge(string detail) => Results.Problem(detail, statusCode: 413, title: Title(413));

    public static IResult Status(int status, string detail) => Results.Problem(detail, statusCode: status, title: Title(status));

    /// <summary>The title for <paramref name="status"/> in the sentence case the named answers use ("Bad request").</summary>
    public static string Title(int status)
    {
        var phrase = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        return phrase.Length == 0 ? "Error" : phrase[0] + phrase[1..].ToLowerInvariant();
    }

    public static IResult Unauthorized() =>
        Results.Problem("missing or invalid token: send Authorization: Bearer <token>", statusCode: 401, title: Title(401));

    public static IResult Forbidden(TokenRole required) =>
        Results.Problem($"this needs a token with role {required.ToString().ToLowerInvariant()} or above", statusCode: 403, title: Title(403));
}
