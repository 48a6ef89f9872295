using System;
using System.Collections.Generic;

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
    /// The exception for a failed call, built from the last error read in one
    /// crossing (crm_last_error) right away on the calling thread: the next
    /// libcrm call on it replaces the error and its strings.
    /// </summary>
    internal static unsafe CrmException FromLastError(int status)
    {
        Native.Error* last = Native.crm_last_error();
        string message = Native.Text((nint)last->Message);
        string field = Native.Text((nint)last->Field);
        string rule = Native.Text((nint)last->Rule);
        long position = last->Position;
        CrmException error = (StatusCode)status switch
        {
            StatusCode.Duplicate => new CrmDuplicateException(StatusName(status), message, field, rule,
                                                              Native.Text((nint)last->CandidatesJson)),
            StatusCode.Merged => new CrmMergedException(StatusName(status), message, field, rule, last->SurvivorId),
            _ => Create(status, message, field, rule),
        };
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
            StatusCode.Unsupported => new UnsupportedException(name, message, field, rule),
            StatusCode.Denied => new CrmDeniedException(name, message, field, rule),
            StatusCode.Cancelled => new CrmCancelledException(name, message, field, rule),
            _ => new CrmException((StatusCode)status, name, message, field, rule),
        };
    }

    /// <summary>
    /// libcrm's <paramref name="message"/> with the field, the rule and the
    /// position named: "field 'plan': 'gold' is not ..." becomes "field 'plan',
    /// rule 'options': 'gold' is not ..." (where libcrm names the field, as in a
    /// batch's "row 3: field 'plan': ..."); a message that does not name the
    /// field gets the parts in front. The position is added only when the
    /// message does not say "at byte N" already.
    /// </summary>
    internal static string Describe(string message, string field, string rule, long? position)
    {
        var parts = new List<string>(3);
        if (field.Length > 0) parts.Add($"field '{field}'");
        if (rule.Length > 0) parts.Add($"rule '{rule}'");
        if (position is { } at && !message.Contains($"at byte {at}", StringComparison.Ordinal)) parts.Add($"at byte {at}");
        if (parts.Count == 0) return message;
        string named = string.Join(", ", parts) + ": ";
        string libcrmNamed = $"field '{field}': ";
        int where = field.Length > 0 ? message.IndexOf(libcrmNamed, StringComparison.Ordinal) : -1;
        return where < 0
            ? named + message
            : string.Concat(message.AsSpan(0, where), named, message.AsSpan(where + libcrmNamed.Length));
    }

    internal static string StatusName(int status) => Native.Text(Native.crm_status_name(status));
}
