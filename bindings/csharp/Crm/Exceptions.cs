using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>No record, field or item with that key (CRM_E_NOT_FOUND).</summary>
public class NotFoundException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public NotFoundException(string statusName, string message, string field, string rule)
        : base(StatusCode.NotFound, statusName, message, field, rule) { }
}

/// <summary>Malformed input, such as an invalid definition or name (CRM_E_INVALID_ARGUMENT).</summary>
public class InvalidArgumentException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public InvalidArgumentException(string statusName, string message, string field, string rule)
        : base(StatusCode.InvalidArgument, statusName, message, field, rule) { }
}

/// <summary>A value breaks a field's type or rule; see Field and Rule (CRM_E_VALIDATION).</summary>
public class ValidationException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public ValidationException(string statusName, string message, string field, string rule)
        : base(StatusCode.Validation, statusName, message, field, rule) { }
}

/// <summary>A unique value is taken or a record is still referenced (CRM_E_CONSTRAINT).</summary>
public class ConstraintException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public ConstraintException(string statusName, string message, string field, string rule)
        : base(StatusCode.Constraint, statusName, message, field, rule) { }
}

/// <summary>The expected version is not the record's current one (CRM_E_CONFLICT).</summary>
public class ConflictException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public ConflictException(string statusName, string message, string field, string rule)
        : base(StatusCode.Conflict, statusName, message, field, rule) { }
}

/// <summary>Another process held the workspace longer than the busy timeout (CRM_E_BUSY).</summary>
public class BusyException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public BusyException(string statusName, string message, string field, string rule)
        : base(StatusCode.Busy, statusName, message, field, rule) { }
}

/// <summary>The workspace file could not be read or written (CRM_E_IO).</summary>
public class CrmIOException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public CrmIOException(string statusName, string message, string field, string rule)
        : base(StatusCode.IO, statusName, message, field, rule) { }
}

/// <summary>A call out of order, such as a nested transaction (CRM_E_MISUSE).</summary>
public class MisuseException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public MisuseException(string statusName, string message, string field, string rule)
        : base(StatusCode.Misuse, statusName, message, field, rule) { }
}

/// <summary>The file is not a libcrm workspace (CRM_E_NOT_WORKSPACE).</summary>
public class NotWorkspaceException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public NotWorkspaceException(string statusName, string message, string field, string rule)
        : base(StatusCode.NotWorkspace, statusName, message, field, rule) { }
}

/// <summary>The workspace was written by a newer libcrm and was left untouched (CRM_E_VERSION).</summary>
public class VersionException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public VersionException(string statusName, string message, string field, string rule)
        : base(StatusCode.Version, statusName, message, field, rule) { }
}

/// <summary>A write on a workspace opened read-only (CRM_E_READ_ONLY).</summary>
public class ReadOnlyException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public ReadOnlyException(string statusName, string message, string field, string rule)
        : base(StatusCode.ReadOnly, statusName, message, field, rule) { }
}

/// <summary>A libcrm bug; please report it (CRM_E_INTERNAL).</summary>
public class InternalException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public InternalException(string statusName, string message, string field, string rule)
        : base(StatusCode.Internal, statusName, message, field, rule) { }
}

/// <summary>A call the workspace's storage backend does not offer yet (CRM_E_UNSUPPORTED, rule "backend").</summary>
public class UnsupportedException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public UnsupportedException(string statusName, string message, string field, string rule)
        : base(StatusCode.Unsupported, statusName, message, field, rule) { }
}

/// <summary>
/// The access profile of a restricted handle does not grant the call (CRM_E_DENIED).
/// <see cref="CrmException.Rule"/> says why: "hidden" (a filter, sort or select names a field the
/// profile hides), "not_writable", "masked", "scope", "operation", "append" or "profile";
/// <see cref="CrmException.Field"/> names the field, if any.
/// </summary>
public class CrmDeniedException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public CrmDeniedException(string statusName, string message, string field, string rule)
        : base(StatusCode.Denied, statusName, message, field, rule) { }
}

/// <summary>
/// The host's progress callback asked a long call (import, export, dump, load, backup,
/// restore) to stop (CRM_E_CANCELLED); what each call keeps is documented with it.
/// </summary>
public class CrmCancelledException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public CrmCancelledException(string statusName, string message, string field, string rule)
        : base(StatusCode.Cancelled, statusName, message, field, rule) { }

    /// <summary>
    /// Creates the exception from libcrm's last error, wrapping what the host's
    /// progress callback threw (or the cancellation it saw) to stop the call.
    /// </summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    /// <param name="innerException">What stopped the call.</param>
    public CrmCancelledException(string statusName, string message, string field, string rule, Exception? innerException)
        : base(StatusCode.Cancelled, statusName, message, field, rule, innerException) { }
}

/// <summary>
/// A duplicate rule blocks the write (CRM_E_DUPLICATE): <see cref="CrmException.Field"/>
/// names the rule, and <see cref="Candidates"/> lists the customers it matched, best
/// first (empty when a restricted handle may name none). A write whose options skip the
/// duplicate check (<see cref="WriteOptions.SkipDuplicateCheck"/>) saves anyway.
/// </summary>
public class CrmDuplicateException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The rule that blocked the write.</param>
    /// <param name="rule">"duplicate".</param>
    /// <param name="candidatesJson">crm_error.candidates_json.</param>
    public CrmDuplicateException(string statusName, string message, string field, string rule,
                                 string candidatesJson)
        : base(StatusCode.Duplicate, statusName, message, field, rule)
    {
        Candidates = DuplicateJson.Candidates(string.IsNullOrEmpty(candidatesJson) ? "[]" : candidatesJson);
    }

    /// <summary>The customers the blocking rule matched, best first.</summary>
    public IReadOnlyList<DuplicateCandidate> Candidates { get; }
}

/// <summary>
/// A write, delete, erase, field write or event names a customer that was merged into another
/// (CRM_E_MERGED, rule "merge"; <see cref="CrmException.Field"/> is "id" or "customer_id"): no
/// write lands on a merged id by accident. Write to <see cref="SurvivorId"/> instead (reads by
/// the merged id return it already).
/// </summary>
public class CrmMergedException : CrmException
{
    /// <summary>Creates the exception from libcrm's last error.</summary>
    /// <param name="statusName">The status code's name.</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The parameter that named the merged id, or "".</param>
    /// <param name="rule">"merge".</param>
    /// <param name="survivorId">crm_error.survivor_id.</param>
    public CrmMergedException(string statusName, string message, string field, string rule, long survivorId)
        : base(StatusCode.Merged, statusName, message, field, rule)
    {
        SurvivorId = survivorId;
    }

    /// <summary>The customer the id was merged into, where its chain of merges ends now.</summary>
    public long SurvivorId { get; }
}
