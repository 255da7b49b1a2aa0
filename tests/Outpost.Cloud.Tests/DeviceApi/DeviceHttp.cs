using System.Text;

namespace Outpost.Cloud.Tests.DeviceApi;

/// <summary>Small builders for device-API requests as Exosite clients send them.</summary>
internal static class DeviceHttp
{
    public static HttpRequestMessage Write(string cik, string body, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/onep:v1/stack/alias" + query)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Exosite-CIK", cik);
        return request;
    }

    public static HttpRequestMessage Read(string cik, string query, int? timeoutMs = null, string? ifModifiedSince = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/onep:v1/stack/alias?" + query);
        request.Headers.Add("X-Exosite-CIK", cik);
        if (timeoutMs is { } t)
        {
            request.Headers.Add("Request-Timeout", t.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (ifModifiedSince is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", ifModifiedSince);
        }

        return request;
    }

    public static HttpRequestMessage Post(string cik, string path, string body, string contentType = "application/x-www-form-urlencoded")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add("X-Exosite-CIK", cik);
        return request;
    }
}
