package io.twoway.salesforcesandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * sObject Collections for Contact, up to {@value #MAX_RECORDS} records a call: upsert on the external id, update by
 * Id, delete by Id. The answer is 200 with one result per record, in order. A body that does not read (not JSON, no
 * records list, a record without {@code attributes} of type Contact, a misnamed or mistyped field) fails the whole call
 * with 400, as do more than {@value #MAX_RECORDS} records (EXCEEDED_ID_LIMIT).
 */
final class CollectionsResource {

    static final int MAX_RECORDS = 200;
    private static final Set<String> BODY_KEYS = Set.of("allOrNone", "records");

    private final ContactStore store;

    CollectionsResource(ContactStore store) {
        this.store = store;
    }

    /** The records as a call body gives them, and its allOrNone (false when absent). */
    private record Body(boolean allOrNone, List<Map<String, Object>> records) {
    }

    /** PATCH composite/sobjects/Contact/Twoway_Customer_Id__c: {@code [{"id","success","created","errors"}]}. */
    ApiResponse upsert(ApiRequest request) {
        Body body = body(request.body());
        List<ContactChange> changes = new ArrayList<>();
        for (Map<String, Object> record : body.records()) {
            String name = ContactField.CUSTOMER_ID.apiName();
            String customerId = ContactInput.text(name, take(record, name));
            changes.add(new ContactChange.Upsert(customerId, ContactInput.fields(record)));
        }
        return ApiResponse.ok(json(write(request, changes, body.allOrNone()), true));
    }

    /** PATCH composite/sobjects, records carrying their {@code id}: {@code [{"id","success","errors"}]}. */
    ApiResponse update(ApiRequest request) {
        Body body = body(request.body());
        List<ContactChange> changes = new ArrayList<>();
        for (Map<String, Object> record : body.records()) {
            String id = ContactInput.text("id", take(record, "id"));
            changes.add(new ContactChange.Update(id, ContactInput.fields(record)));
        }
        return ApiResponse.ok(json(write(request, changes, body.allOrNone()), false));
    }

    /** DELETE composite/sobjects?ids=a,b[&allOrNone=true]: {@code [{"id","success","errors"}]}. */
    ApiResponse delete(ApiRequest request) {
        String ids = request.params().get("ids");
        if (ids == null || ids.isBlank()) {
            throw SalesforceErrors.missingArgument("The ids parameter is required: ids=id1,id2,…");
        }
        List<String> list = Arrays.stream(ids.split(",")).map(String::trim).toList();
        if (list.size() > MAX_RECORDS) {
            throw SalesforceErrors.exceededIdLimit(MAX_RECORDS);
        }
        List<ContactChange> changes = list.stream().<ContactChange>map(ContactChange.Delete::new).toList();
        boolean allOrNone = Boolean.parseBoolean(request.params().get("allOrNone"));
        return ApiResponse.ok(json(write(request, changes, allOrNone), false));
    }

    private List<WriteResult> write(ApiRequest request, List<ContactChange> changes, boolean allOrNone) {
        if (request.locked()) {
            return changes.stream().map(c -> WriteResult.failed(null, SalesforceErrors.unableToLockRow())).toList();
        }
        return store.write(changes, allOrNone, request.writer());
    }

    @SuppressWarnings("unchecked")
    private static Body body(String text) {
        Map<String, Object> json = SalesforceJson.object(text);
        for (String key : json.keySet()) {
            if (!BODY_KEYS.contains(key)) {
                throw SalesforceErrors.jsonParser("Unrecognized field \"" + key
                        + "\"; expected allOrNone and records");
            }
        }
        Object allOrNone = json.getOrDefault("allOrNone", false);
        if (!(allOrNone instanceof Boolean)) {
            throw SalesforceErrors.jsonParser("allOrNone must be true or false, got "
                    + SalesforceJson.write(allOrNone));
        }
        if (!(json.get("records") instanceof List<?> records)) {
            throw SalesforceErrors.jsonParser("records must be a list of sObjects");
        }
        if (records.size() > MAX_RECORDS) {
            throw SalesforceErrors.exceededIdLimit(MAX_RECORDS);
        }
        List<Map<String, Object>> out = new ArrayList<>(records.size());
        for (Object record : records) {
            if (!(record instanceof Map<?, ?> map) || !(map.get("attributes") instanceof Map<?, ?> attributes)
                    || !"Contact".equals(attributes.get("type"))) {
                throw SalesforceErrors.jsonParser("Each record needs \"attributes\":{\"type\":\"Contact\"}, got: "
                        + SalesforceJson.write(record));
            }
            out.add(new LinkedHashMap<>((Map<String, Object>) map));
        }
        return new Body((Boolean) allOrNone, out);
    }

    /** Removes the value under {@code name}, matched ignoring case as Salesforce matches field names; null if none. */
    private static Object take(Map<String, Object> record, String name) {
        for (Iterator<Map.Entry<String, Object>> it = record.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Object> entry = it.next();
            if (entry.getKey().equalsIgnoreCase(name)) {
                it.remove();
                return entry.getValue();
            }
        }
        return null;
    }

    private static List<Map<String, Object>> json(List<WriteResult> results, boolean withCreated) {
        return results.stream().map(r -> r.json(withCreated)).toList();
    }
}
