namespace Outpost.Device;

/// <summary>A device API call that failed for good (after any retries).</summary>
public sealed class DeviceApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeviceApiException(DeviceErrorKind kind, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    /// <summary>Creates an <see cref="DeviceErrorKind.Unavailable"/> exception.</summary>
    public DeviceApiException()
        : this(DeviceErrorKind.Unavailable, "The device API call failed.")
    {
    }

    /// <summary>Creates an <see cref="DeviceErrorKind.Unavailable"/> exception.</summary>
    public DeviceApiException(string message)
        : this(DeviceErrorKind.Unavailable, message)
    {
    }

    /// <summary>Creates an <see cref="DeviceErrorKind.Unavailable"/> exception.</summary>
    public DeviceApiException(string message, Exception innerException)
        : this(DeviceErrorKind.Unavailable, message, null, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public DeviceErrorKind Kind { get; }

    /// <summary>The last HTTP status seen, when there was a response.</summary>
    public int? StatusCode { get; }

    /// <summary>
    /// For a refused batch (<see cref="DeviceClient.RecordBatchAsync"/>): the id of the record the cloud refused the
    /// whole batch for, when it said (Outpost's <c>X-Outpost-Refused-Record</c>); null otherwise.
    /// </summary>
    public string? RefusedRecordId { get; init; }

    /// <summary>With <see cref="RefusedRecordId"/>: true when every value of that record's alias is refused (not defined
    /// in the product, not settable), false when only that value is (its format, size or timestamp).</summary>
    public bool RefusedAliasWide { get; init; }
}
