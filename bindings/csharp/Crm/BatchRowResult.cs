namespace Crm;

/// <summary>The outcome of one row of a batch write.</summary>
/// <param name="Row">The row's 0-based index in the batch.</param>
/// <param name="Status">CRM_OK for a row that was accepted, else why it was rejected.</param>
/// <param name="StatusName">The status code's name, e.g. "CRM_E_VALIDATION".</param>
/// <param name="Id">The customer's id (in an event batch, the event's sequence number); 0 when the batch was not stored.</param>
/// <param name="Created">Whether the row created the customer (false when an upsert updated one); in an event
/// batch, false when the event's idempotency key was already used.</param>
/// <param name="Message">Why the row was rejected, as libcrm said it with the field and the rule named
/// (e.g. "row 3: field 'plan', rule 'options': ..."; see <see cref="CrmException.Message"/>), or "".</param>
/// <param name="Field">The field the rejection is about, or "".</param>
/// <param name="Rule">The rule the row broke, or "".</param>
public sealed record BatchRowResult(
    int Row, StatusCode Status, string StatusName, long Id, bool Created, string Message, string Field, string Rule);
