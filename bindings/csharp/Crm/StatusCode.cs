namespace Crm;

/// <summary>The status codes of libcrm (CRM_OK and CRM_E_* in crm/crm.h).</summary>
public enum StatusCode
{
    /// <summary>CRM_OK: success.</summary>
    Ok = 0,
    /// <summary>CRM_E_NOT_FOUND: no record, field or item with that key.</summary>
    NotFound = 1,
    /// <summary>CRM_E_INVALID_ARGUMENT: malformed input.</summary>
    InvalidArgument = 2,
    /// <summary>CRM_E_VALIDATION: a value breaks a field's type or rule.</summary>
    Validation = 3,
    /// <summary>CRM_E_CONSTRAINT: unique value taken, record still referenced.</summary>
    Constraint = 4,
    /// <summary>CRM_E_CONFLICT: the expected version is not the current one.</summary>
    Conflict = 5,
    /// <summary>CRM_E_BUSY: another process held the file too long.</summary>
    Busy = 6,
    /// <summary>CRM_E_IO: the file could not be read or written.</summary>
    IO = 7,
    /// <summary>CRM_E_NOMEM: out of memory.</summary>
    NoMemory = 8,
    /// <summary>CRM_E_MISUSE: a call out of order.</summary>
    Misuse = 9,
    /// <summary>CRM_E_NOT_WORKSPACE: the file is not a libcrm workspace.</summary>
    NotWorkspace = 10,
    /// <summary>CRM_E_VERSION: the workspace was written by a newer libcrm.</summary>
    Version = 11,
    /// <summary>CRM_E_READ_ONLY: a write on a workspace opened read-only.</summary>
    ReadOnly = 12,
    /// <summary>CRM_E_INTERNAL: a libcrm bug.</summary>
    Internal = 13,
}
