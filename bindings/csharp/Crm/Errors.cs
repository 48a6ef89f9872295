namespace Crm;

/// <summary>Turns libcrm status codes into exceptions.</summary>
internal static class Errors
{
    /// <summary>Throws the mapped exception when <paramref name="status"/> is not CRM_OK.</summary>
    internal static void Check(int status)
    {
        if (status != 0) throw FromLastError(status);
    }

    /// <summary>
    /// The exception for a failed call, built from crm_last_error_* read right
    /// away on the calling thread (the next failing call replaces them).
    /// </summary>
    internal static CrmException FromLastError(int status)
    {
        string message = Native.Text(Native.crm_last_error_message());
        string field = Native.Text(Native.crm_last_error_field());
        string rule = Native.Text(Native.crm_last_error_rule());
        long position = Native.crm_last_error_position();
        CrmException error = Create(status, message, field, rule);
        if (position >= 0) error.Position = position;
        return error;
    }

    /// <summary>The exception type for a status code.</summary>
    internal static CrmException Create(int status, string message, string field, string rule)
    {
        string name = StatusName(status);
        return (StatusCode)status switch
        {
            StatusCode.NotFound => new NotFoundException(name, message, field, rule),
            StatusCode.InvalidArgument => new InvalidArgumentException(name, message, field, rule),
            StatusCode.Validation => new ValidationException(name, message, field, rule),
            StatusCode.Constraint => new ConstraintException(name, message, field, rule),
            StatusCode.Conflict => new ConflictException(name, message, field, rule),
            StatusCode.Busy => new BusyException(name, message, field, rule),
            StatusCode.IO => new CrmIOException(name, message, field, rule),
            StatusCode.Misuse => new MisuseException(name, message, field, rule),
            StatusCode.NotWorkspace => new NotWorkspaceException(name, message, field, rule),
            StatusCode.Version => new VersionException(name, message, field, rule),
            StatusCode.ReadOnly => new ReadOnlyException(name, message, field, rule),
            StatusCode.Internal => new InternalException(name, message, field, rule),
            _ => new CrmException((StatusCode)status, name, message, field, rule),
        };
    }

    internal static string StatusName(int status) => Native.Text(Native.crm_status_name(status));
}
