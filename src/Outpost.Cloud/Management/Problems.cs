namespace Outpost.Cloud.Management;

/// <summary>RFC 7807 problem answers of the management API, one short sentence each.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: 400, title: "Bad request");

    public static IResult NotFound(string detail) => Results.Problem(detail, statusCode: 404, title: "Not found");

    public static IResult Conflict(string detail) => Results.Problem(detail, statusCode: 409, title: "Conflict");

    public static IResult TooLarge(string detail) => Results.Problem(detail, statusCode: 413, title: "Too large");

    public static IResult Status(int status, string detail) => Results.Problem(detail, statusCode: status);

    public static IResult Unauthorized() =>
        Results.Problem("missing or invalid token: send Authorization: Bearer <token>", statusCode: 401, title: "Unauthorized");

    public static IResult Forbidden(TokenRole required) =>
        Results.Problem($"this needs a token with role {required.ToString().ToLowerInvariant()} or above", statusCode: 403, title: "Forbidden");
}
