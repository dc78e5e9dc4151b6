"""Play the official Python SDK (`omnidimension==0.6.0`) against an OmniDimension API.

Calls every public method of the SDK, as its README and docstrings show them (several calls for
the methods whose documents show several uses), against the base URL given as the only argument
(`omnidim mock`, or the mock of the test that runs this script). A call fails when the SDK gets
an error answer (the server rejected what the SDK sent) or when a key that the SDK's documents
promise is missing from the answer.

The keys below are not read from this project's spec: they are what the SDK's README and
docstrings (and, where named, the published spec's examples) tell a user to read, so that the
check holds the spec and the mock to the SDK's documents, not to themselves.

Output: one line per call (`ok`, `REJECTED`, `MISSING`, `SDK-REFUSED`), then a last line
`SUMMARY {json}` with the counts. Exit status 0 when every call sent was accepted and every
documented key was served, 1 otherwise, 2 when the SDK cannot be imported.

Usage: python play_official_sdk.py BASE_URL
"""

import base64
import json
import sys

try:
    import omnidimension
    from omnidimension import Client
    from omnidimension.client import APIError
except ImportError as e:  # pragma: no cover - reported to the Rust test, which skips
    print(f"cannot import the official SDK: {e}")
    sys.exit(2)

KEY = "sk-official-sdk-check-0123456789"

# Every documented account-balance key (README "Account Balance" and `Account.balance` docstring).
BALANCE_KEYS = [
    "balance.amount",
    "balance.currency",
    "estimated_minutes_remaining",
    "concurrency.available",
    "plan.is_usage_based",
    "auto_recharge.amount_usd",
    "auto_recharge.threshold_usd",
]
# `Reseller.get_identity` docstring; save/disable return "the full brand state", the same keys.
IDENTITY_KEYS = ["has_identity", "identity", "smtp"]
# `Reseller.client_usage` docstring.
CLIENT_USAGE_KEYS = [
    "summary",
    "margin",
    "by_day",
    "by_agent",
    "by_campaign",
    "by_number",
    "by_direction",
    "purchases",
]
CONTEXT = [{"title": "Purpose", "body": "Help customers with orders.", "is_enabled": True}]
CONTACTS = [
    {"phone_number": "+1234567890", "customer_name": "John Doe", "product_interest": "Premium Plan"},
    {"phone_number": "+1987654321", "customer_name": "Jane Smith", "product_interest": "Basic Plan"},
]
PDF = base64.b64encode(b"%PDF-1.4\n%omnidim\n").decode()


def calls(c):
    """(label, thunk, documented keys) for every public method of the SDK."""
    yield "account.balance", lambda: c.account.balance(), BALANCE_KEYS

    # Agents: the README's create, then the docstrings' other uses.
    yield "agent.list", lambda: c.agent.list(), ["bots", "total_records"]
    yield "agent.list(page)", lambda: c.agent.list(page=2, page_size=50), ["bots"]
    yield "agent.get", lambda: c.agent.get(123), ["id", "name"]
    yield "agent.create(minimal)", lambda: c.agent.create(name="Support", context_breakdown=CONTEXT), ["id"]
    yield "agent.create(full)", lambda: c.agent.create(
        name="Customer Support Agent",
        welcome_message="Hello! How can I help you today?",
        context_breakdown=CONTEXT,
        call_type="Incoming",
        is_interruption_allowed=True,
        is_welcome_message_dynamic=False,
        transcriber={"provider": "deepgram_stream", "silence_timeout_ms": 400},
        model={"model": "gpt-4o-mini", "temperature": 0.7},
        voice={"provider": "eleven_labs", "voice_id": "JBFqnCBsd6RMkjVDRZzb"},
        web_search={"enabled": True, "provider": "DuckDuckGo"},
        post_call_actions={
            "email": {
                "enabled": True,
                "recipients": ["example@example.com"],
                "include": ["summary", "extracted_variables"],
                "extracted_variables": [{"key": "customer_issue", "prompt": "Identify the issue."}],
            }
        },
        filler={"enabled": True, "after_sec": 0},
        background_track={"enabled": True, "name": "office", "volume": 0.2},
        voicemail={"enabled": False, "message": "Please call back."},
        end_call={"enabled": True, "condition": "when the caller says bye", "message": "Goodbye!"},
        timezone="America/New_York",
    ), ["id"]
    # Values the SDK's own docstrings list (voice providers, transcribers, background tracks).
    yield "agent.create(sdk docstring values)", lambda: c.agent.create(
        name="Docstring values",
        context_breakdown=CONTEXT,
        transcriber={"provider": "whisper"},
        voice={"provider": "deepgram", "voice_id": "aura-asteria-en"},
        background_track={"enabled": True, "name": "office_ambience"},
    ), ["id"]
    yield "agent.update", lambda: c.agent.update(123, {"name": "Renamed", "welcome_message": "Hi"}), ["id"]
    yield "agent.delete", lambda: c.agent.delete(123), []
    yield "agent.list_versions", lambda: c.agent.list_versions(123), []
    yield "agent.list_versions(filters)", lambda: c.agent.list_versions(
        123, pageno=1, pagesize=30, search="launch", kind="manual"
    ), []
    yield "agent.save_version", lambda: c.agent.save_version(123, "Before launch", note="v1"), [
        "version_number"
    ]
    yield "agent.diff_version", lambda: c.agent.diff_version(123, 2), []
    yield "agent.diff_version(current)", lambda: c.agent.diff_version(123, 2, against="current"), []
    yield "agent.diff_version(number)", lambda: c.agent.diff_version(123, 2, against=1), []
    yield "agent.restore_version", lambda: c.agent.restore_version(123, 2), ["skipped"]
    yield "agent.rename_version", lambda: c.agent.rename_version(123, 2, name="Launch", note="ok"), []
    yield "agent.delete_version", lambda: c.agent.delete_version(123, 2), []
    yield "agent.list_post_call_actions", lambda: c.agent.list_post_call_actions(123), []
    yield "agent.list_post_call_actions(user_id)", lambda: c.agent.list_post_call_actions(123, user_id=456), []
    yield "agent.add_post_call_action(email)", lambda: c.agent.add_post_call_action(
        123, "email", recipients=["ops@example.com"], include=["summary"]
    ), []
    yield "agent.add_post_call_action(webhook)", lambda: c.agent.add_post_call_action(
        123,
        "webhook",
        idempotency_key="pca-1",
        url="https://example.com/hook",
        trigger_call_statuses=["completed"],
    ), []
    yield "agent.update_post_call_action", lambda: c.agent.update_post_call_action(
        123, "pca_1", recipients=["ops@example.com"], user_id=456
    ), []
    yield "agent.delete_post_call_action", lambda: c.agent.delete_post_call_action(123, "pca_1"), []
    yield "agent.delete_post_call_action(user_id)", lambda: c.agent.delete_post_call_action(
        123, "pca_1", user_id=456
    ), []

    # Bulk calls: the README's "Bulk Call Management" section, in order.
    yield "bulk_call.create_bulk_calls", lambda: c.bulk_call.create_bulk_calls(
        name="Marketing Campaign - Q4 2024", contact_list=CONTACTS, phone_number_id=321
    ), ["id"]
    yield "bulk_call.create_bulk_calls(numeric string id)", lambda: c.bulk_call.create_bulk_calls(
        name="String id", contact_list=CONTACTS, phone_number_id="321"
    ), ["id"]
    yield "bulk_call.create_bulk_calls(scheduled)", lambda: c.bulk_call.create_bulk_calls(
        name="Scheduled Campaign",
        contact_list=CONTACTS,
        phone_number_id=321,
        is_scheduled=True,
        scheduled_datetime="2024-12-25 10:00:00",
        timezone="America/New_York",
    ), ["id"]
    yield "bulk_call.create_bulk_calls(draft)", lambda: c.bulk_call.create_bulk_calls(
        name="Draft Campaign",
        contact_list=CONTACTS,
        phone_number_id=321,
        save_as_draft=True,
        call_conditions=[{"column": "product_interest", "operator": "=", "value": "Premium Plan"}],
        rotation={
            "numbers": [
                {"phone_number_id": 321, "sequence": 1},
                {"phone_number_id": 456, "sequence": 2},
            ],
            "strategy": "round_robin",
            "calls_per_number": 50,
        },
        concurrent_call_limit=5,
    ), ["id"]
    yield "bulk_call.create_bulk_calls(retry)", lambda: c.bulk_call.create_bulk_calls(
        name="Retry",
        contact_list=CONTACTS,
        phone_number_id=321,
        retry_config={
            "auto_retry": True,
            "auto_retry_schedule": "next_day",
            "retry_schedule_days": 1,
            "retry_schedule_hours": 0,
            "retry_limit": 3,
        },
        enabled_reschedule_call=True,
        bot_id=123,
    ), ["id"]
    yield "bulk_call.add_contact", lambda: c.bulk_call.add_contact(
        bulk_call_id=314, to_number="+1234567890", custom_variables={"customer_name": "John Doe"}
    ), []
    yield "bulk_call.add_contacts", lambda: c.bulk_call.add_contacts(
        bulk_call_id=314,
        contacts=[{"to_number": "+1987654321", "custom_variables": {"customer_name": "Jane Smith"}}],
    ), []
    yield "bulk_call.add_contacts(1000)", lambda: c.bulk_call.add_contacts(
        bulk_call_id=314, contacts=[{"to_number": "+15551234567"}] * 1000
    ), []
    yield "bulk_call.start_bulk_call", lambda: c.bulk_call.start_bulk_call(bulk_call_id=314), []
    yield "bulk_call.fetch_bulk_calls", lambda: c.bulk_call.fetch_bulk_calls(
        page=1, page_size=10, status="active"
    ), ["records"]
    yield "bulk_call.fetch_bulk_calls(default)", lambda: c.bulk_call.fetch_bulk_calls(), ["records"]
    yield "bulk_call.detail_bulk_calls", lambda: c.bulk_call.detail_bulk_calls(bulk_call_id=123), [
        "details"
    ]
    yield "bulk_call.bulk_calls_actions(pause)", lambda: c.bulk_call.bulk_calls_actions(
        bulk_call_id=123, action="pause"
    ), []
    yield "bulk_call.bulk_calls_actions(resume)", lambda: c.bulk_call.bulk_calls_actions(
        bulk_call_id=123, action="resume"
    ), []
    yield "bulk_call.bulk_calls_actions(reschedule)", lambda: c.bulk_call.bulk_calls_actions(
        bulk_call_id=123,
        action="reschedule",
        new_scheduled_datetime="2024-12-26 14:00:00",
        new_timezone="America/New_York",
    ), []
    yield "bulk_call.cancel_bulk_calls", lambda: c.bulk_call.cancel_bulk_calls(bulk_call_id=123), []
    yield "bulk_call.get_live_status", lambda: c.bulk_call.get_live_status(bulk_call_id=123), []
    yield "bulk_call.get_bulk_call_lines", lambda: c.bulk_call.get_bulk_call_lines(
        bulk_call_id=123, pagesize=50, call_status="completed", include_total=True
    ), ["next_cursor"]
    yield "bulk_call.get_bulk_call_lines(cursor)", lambda: c.bulk_call.get_bulk_call_lines(
        bulk_call_id=123, cursor="eyJpZCI6IDEwMH0"
    ), ["next_cursor"]
    yield "bulk_call.get_bulk_call_lines(filters)", lambda: c.bulk_call.get_bulk_call_lines(
        bulk_call_id=123, interaction_status="low_interaction", search="John"
    ), ["next_cursor"]
    yield "bulk_call.manual_retry", lambda: c.bulk_call.manual_retry(bulk_call_id=123), []
    yield "bulk_call.update_concurrency", lambda: c.bulk_call.update_concurrency(
        bulk_call_id=123, concurrent_call_limit=10
    ), []
    yield "bulk_call.list_rotation_numbers", lambda: c.bulk_call.list_rotation_numbers(bulk_call_id=123), []
    yield "bulk_call.add_rotation_number", lambda: c.bulk_call.add_rotation_number(
        bulk_call_id=123, phone_number_id=456
    ), []
    yield "bulk_call.set_rotation_number_active", lambda: c.bulk_call.set_rotation_number_active(
        bulk_call_id=123, assignment_id=789, is_active=False
    ), []
    yield "bulk_call.set_daily_time_control", lambda: c.bulk_call.set_daily_time_control(
        123,
        enable_daily_hard_stop=True,
        enable_daily_auto_start=True,
        daily_stop_time=21.0,
        daily_stop_timezone="America/New_York",
        daily_start_time=9.5,
        daily_start_timezone="America/New_York",
    ), []
    yield "bulk_call.set_daily_time_control(off)", lambda: c.bulk_call.set_daily_time_control(
        123, enable_daily_hard_stop=False, enable_daily_auto_start=False
    ), []

    # Calls.
    yield "call.dispatch_call", lambda: c.call.dispatch_call(
        agent_id=123, to_number="+15551234567", call_context={"customer_name": "John"}
    ), ["success", "requestId"]
    yield "call.dispatch_call(from number)", lambda: c.call.dispatch_call(
        123, "+15551234567", from_number_id=321
    ), ["requestId"]
    yield "call.get_call_logs", lambda: c.call.get_call_logs(), ["call_log_data", "total_records"]
    yield "call.get_call_logs(filters)", lambda: c.call.get_call_logs(
        page=1, page_size=30, agent_id=123, call_status="completed"
    ), ["call_log_data"]
    yield "call.get_call_log", lambda: c.call.get_call_log(987), ["call_log_data"]

    # Integrations: the README, then the docstrings' examples.
    examples = type(c.integrations).get_integration_format_examples()
    yield "integrations.get_user_integrations", lambda: c.integrations.get_user_integrations(), []
    yield "integrations.get_user_integrations(user_id)", lambda: c.integrations.get_user_integrations(
        user_id=456
    ), []
    yield "integrations.create_custom_api_integration", lambda: c.integrations.create_custom_api_integration(
        name="WeatherAPI", url="https://api.example.com/weather", method="GET"
    ), []
    yield "integrations.create_custom_api_integration(full)", lambda: c.integrations.create_custom_api_integration(
        name="CRM",
        url="https://api.example.com/crm",
        method="POST",
        description="Push leads",
        headers=[{"key": "Authorization", "value": "Bearer token123"}],
        body_type="json",
        body_params=[
            {
                "key": "message",
                "description": "Message content",
                "type": "string",
                "required": True,
                "isLLMGenerated": True,
            }
        ],
        query_params=[{"key": "user_id", "description": "User", "type": "string", "required": True}],
        stop_listening=True,
        request_timeout=20,
    ), []
    yield "integrations.create_cal_integration", lambda: c.integrations.create_cal_integration(
        name="My Calendar Integration",
        description="Integration with Cal.com calendar",
        cal_api_key="cal_api_key_12345",
        cal_id="cal_user_id",
        cal_timezone="America/New_York",
    ), []
    yield "integrations.create_integration_from_json(custom_api)", lambda: c.integrations.create_integration_from_json(
        examples["custom_api"]
    ), []
    yield "integrations.create_integration_from_json(cal)", lambda: c.integrations.create_integration_from_json(
        examples["cal"]
    ), []
    yield "integrations.get_agent_integrations", lambda: c.integrations.get_agent_integrations(123), []
    yield "integrations.add_integration_to_agent", lambda: c.integrations.add_integration_to_agent(
        agent_id=123, integration_id=789
    ), []
    yield "integrations.remove_integration_from_agent", lambda: c.integrations.remove_integration_from_agent(
        123, 789
    ), []

    # Knowledge base (README).
    yield "knowledge_base.list", lambda: c.knowledge_base.list(), ["files"]
    yield "knowledge_base.can_upload", lambda: c.knowledge_base.can_upload(2048), ["quota"]
    yield "knowledge_base.create", lambda: c.knowledge_base.create(PDF, "handbook.pdf"), ["file"]
    yield "knowledge_base.attach", lambda: c.knowledge_base.attach([123], 456), []
    yield "knowledge_base.attach(when_to_use)", lambda: c.knowledge_base.attach(
        [123], 456, when_to_use="Questions about pricing"
    ), []
    yield "knowledge_base.detach", lambda: c.knowledge_base.detach([123], 456), []
    yield "knowledge_base.delete", lambda: c.knowledge_base.delete(123), []

    # Phone numbers (README "Phone Number Management").
    yield "phone_number.list", lambda: c.phone_number.list(page=1, page_size=10), ["phone_numbers"]
    yield "phone_number.list(user_id)", lambda: c.phone_number.list(user_id=456), ["phone_numbers"]
    yield "phone_number.attach", lambda: c.phone_number.attach(phone_number_id=321, agent_id=123), []
    yield "phone_number.attach(user_id)", lambda: c.phone_number.attach(321, 123, user_id=456), []
    yield "phone_number.detach", lambda: c.phone_number.detach(321), []
    yield "phone_number.detach(user_id)", lambda: c.phone_number.detach(321, user_id=456), []
    yield "phone_number.search", lambda: c.phone_number.search(
        region="US", pattern="415", page=1, limit=20, carrier="carrier-us"
    ), []
    yield "phone_number.search(region only)", lambda: c.phone_number.search("US"), []
    yield "phone_number.purchase", lambda: c.phone_number.purchase(
        region="US",
        phone_number="+14155550123",
        carrier="carrier-us",
        idempotency_key="order-2024-12-01-001",
    ), []
    yield "phone_number.release", lambda: c.phone_number.release(phone_number="+14155550123"), []
    yield "phone_number.release(user_id)", lambda: c.phone_number.release("+14155550123", user_id=456), []
    yield "phone_number.import_twilio", lambda: c.phone_number.import_twilio(
        "+15551234567", "ACxxxxxxxx", "token", name="Main line"
    ), ["id"]
    yield "phone_number.import_exotel", lambda: c.phone_number.import_exotel(
        "+918000000000", "key", "token", "api.exotel.com", "sid", "app", name="Exotel"
    ), ["id"]
    yield "phone_number.import_sip", lambda: c.phone_number.import_sip(
        "+15551234567", "sip.example.com", "trunk-1"
    ), ["id"]
    yield "phone_number.import_sip(full)", lambda: c.phone_number.import_sip(
        "+15551234567",
        "sip.example.com",
        "trunk-2",
        name="SIP",
        sip_port=5061,
        sip_username="u",
        sip_password="p",
        sip_dial_prefix="9",
        sip_strip_plus=False,
    ), ["id"]

    # Providers (README "Providers API": the SDK returns the body itself).
    yield "providers.list_llms", lambda: c.providers.list_llms(), ["llms", "total"]
    yield "providers.list_tts", lambda: c.providers.list_tts(), ["tts", "total"]
    yield "providers.list_stt", lambda: c.providers.list_stt(), ["stt", "total"]
    yield "providers.list_all", lambda: c.providers.list_all(), [
        "services",
        "voices",
        "total_services",
        "total_voices",
    ]
    yield "providers.list_voices", lambda: c.providers.list_voices(page=1, page_size=50), [
        "voices",
        "total",
        "page",
        "page_size",
        "filters_applied",
    ]
    yield "providers.list_voices(eleven_labs filters)", lambda: c.providers.list_voices(
        provider="eleven_labs", search="calm", language="en", accent="american", gender="female"
    ), ["voices", "total"]
    yield "providers.list_voices(deepgram)", lambda: c.providers.list_voices(provider="deepgram"), [
        "voices"
    ]
    yield "providers.get_voice", lambda: c.providers.get_voice(42), ["name"]

    # Reseller (README "Reseller Management", in order, then the other methods).
    yield "reseller.list_organizations", lambda: c.reseller.list_organizations(), ["organizations"]
    yield "reseller.add_user", lambda: c.reseller.add_user(
        name="Jane Doe",
        email="jane@example.com",
        phone="+14155550123",
        password="a-strong-password",
        welcome_minutes_to_credit=100,
        cost_per_min=0.05,
    ), ["user_id"]
    yield "reseller.set_access_control", lambda: c.reseller.set_access_control(
        user_id=456, dashboard_menu_access={"billing": True, "agents": True, "integrations": False}
    ), []
    yield "reseller.set_access_control(published flags)", lambda: c.reseller.set_access_control(
        456, {"is_bots_menu_access": True, "is_billing_menu_access": False}
    ), []
    yield "reseller.set_expiry", lambda: c.reseller.set_expiry(user_id=456, expiry_date="2025-12-31"), []
    yield "reseller.set_expiry(clear)", lambda: c.reseller.set_expiry(user_id=456), []
    yield "reseller.set_concurrency", lambda: c.reseller.set_concurrency(
        child_organization_id=789, new_limit=10
    ), []
    yield "reseller.calculate_credits", lambda: c.reseller.calculate_credits(minutes=500, cost_per_min=0.05), []
    yield "reseller.calculate_credits(revert)", lambda: c.reseller.calculate_credits(
        minutes=100, is_revert=True, child_organization_id=789
    ), []
    yield "reseller.transfer_credits", lambda: c.reseller.transfer_credits(
        to_organization_id=789, minutes=500, cost_per_min=0.05
    ), ["new_from_balance", "new_to_balance"]
    yield "reseller.revert_credits", lambda: c.reseller.revert_credits(from_organization_id=789, minutes=500), [
        "new_from_balance",
        "new_to_balance",
    ]
    yield "reseller.credit_logs", lambda: c.reseller.credit_logs(page=1, page_size=30), ["data"]
    yield "reseller.credit_logs(dates)", lambda: c.reseller.credit_logs(
        start_date="2026-01-01", end_date="2026-03-31"
    ), ["data"]
    yield "reseller.kyc_status", lambda: c.reseller.kyc_status(user_id=456), ["next_step"]
    yield "reseller.kyc_requirements", lambda: c.reseller.kyc_requirements(region="IN", carrier="carrier-1"), []
    yield "reseller.kyc_requirements(region only)", lambda: c.reseller.kyc_requirements("IN"), []
    yield "reseller.submit_kyc_step", lambda: c.reseller.submit_kyc_step(
        step="register", user_id=456, region="IN", carrier="carrier-1", full_name="Jane Doe"
    ), ["next_step"]
    yield "reseller.submit_kyc_step(redirect)", lambda: c.reseller.submit_kyc_step(
        "verify-aadhaar",
        user_id=456,
        region="IN",
        carrier="carrier-2-new",
        return_url="https://app.example.com/kyc/done",
    ), ["next_step"]
    yield "reseller.upload_kyc_document", lambda: c.reseller.upload_kyc_document(
        "upload-pan",
        user_id=456,
        region="IN",
        carrier="carrier-2-new",
        document=b"%PDF-1.4 pan card",
        filename="pan-card.pdf",
    ), ["next_step"]
    yield "reseller.set_client_access(user)", lambda: c.reseller.set_client_access(True, user_id=456), [
        "user_ids"
    ]
    yield "reseller.set_client_access(org, detach)", lambda: c.reseller.set_client_access(
        True, organization_id=789, detach_numbers=True
    ), ["user_ids", "detached_numbers"]
    yield "reseller.set_client_access(restore)", lambda: c.reseller.set_client_access(
        False, organization_id=789
    ), ["user_ids"]
    yield "reseller.usage", lambda: c.reseller.usage(), ["totals", "pool", "business"]
    yield "reseller.usage(month)", lambda: c.reseller.usage(month="2026-05"), ["totals"]
    yield "reseller.usage(range)", lambda: c.reseller.usage(date_from="2026-01-01", date_to="2026-03-31"), [
        "totals"
    ]
    yield "reseller.client_usage", lambda: c.reseller.client_usage(789), CLIENT_USAGE_KEYS
    yield "reseller.client_usage(month)", lambda: c.reseller.client_usage(789, month="2026-05"), CLIENT_USAGE_KEYS
    yield "reseller.get_identity", lambda: c.reseller.get_identity(), IDENTITY_KEYS
    yield "reseller.save_identity", lambda: c.reseller.save_identity(
        company_name="Acme", platform_name="Acme Voice", primary_color="#1976d2"
    ), IDENTITY_KEYS
    yield "reseller.save_identity(all)", lambda: c.reseller.save_identity(
        company_name="Acme",
        platform_name="Acme Voice",
        logo_url="https://example.com/logo.png",
        primary_color="#1976d2",
        real_email="support@example.com",
    ), IDENTITY_KEYS
    yield "reseller.save_identity_smtp", lambda: c.reseller.save_identity_smtp(
        "smtp.example.com", 587, username="mailer", password="secret", encryption="starttls",
        from_email="no-reply@example.com",
    ), IDENTITY_KEYS
    yield "reseller.test_identity_smtp", lambda: c.reseller.test_identity_smtp("smtp.example.com", 465, encryption="ssl"), [
        "success"
    ]
    yield "reseller.disable_identity_smtp", lambda: c.reseller.disable_identity_smtp(), IDENTITY_KEYS
    yield "reseller.preview_client_release", lambda: c.reseller.preview_client_release(789), [
        "has_live_subscription"
    ]
    yield "reseller.release_client", lambda: c.reseller.release_client(789), []
    yield "reseller.issue_child_api_key", lambda: c.reseller.issue_child_api_key(456, "CI key"), []
    yield "reseller.revoke_child_api_key", lambda: c.reseller.revoke_child_api_key(456, 12), []
    yield "reseller.revoke_child_api_key(default)", lambda: c.reseller.revoke_child_api_key(456, 0), []

    # Simulations (docstring examples).
    scenario = {
        "name": "Order Pizza",
        "description": "Act as a customer wanting to order pizza",
        "expected_result": "Order should be placed successfully",
        "selected_voices": [{"id": "voice_id_1", "provider": "eleven_labs"}],
    }
    yield "simulation.create", lambda: c.simulation.create(
        name="Restaurant Order Taking Test", agent_id=123, scenarios=[scenario]
    ), ["simulation"]
    yield "simulation.create(docstring, play_ht)", lambda: c.simulation.create(
        name="Restaurant Order Taking Test",
        agent_id=123,
        number_of_call_to_make=1,
        concurrent_call_count=3,
        max_call_duration_in_minutes=3,
        scenarios=[
            dict(
                scenario,
                selected_voices=[
                    {"id": "voice_id_1", "provider": "eleven_labs"},
                    {"id": "voice_id_2", "provider": "play_ht"},
                ],
            )
        ],
    ), ["simulation"]
    yield "simulation.create(inworld)", lambda: c.simulation.create(
        name="Inworld voices",
        agent_id=123,
        scenarios=[dict(scenario, selected_voices=[{"id": "v1", "provider": "inworld"}])],
    ), ["simulation"]
    yield "simulation.list", lambda: c.simulation.list(pageno=1, pagesize=10), ["records"]
    yield "simulation.get", lambda: c.simulation.get(456), ["simulation"]
    yield "simulation.update", lambda: c.simulation.update(
        456,
        {
            "name": "Updated Restaurant Test",
            "max_call_duration_in_minutes": 5,
            "scenarios": [
                {
                    "name": "Updated Order Pizza",
                    "description": "Updated instructions...",
                    "expected_result": "Updated expected behavior...",
                }
            ],
        },
    ), ["simulation"]
    yield "simulation.start", lambda: c.simulation.start(456), ["success"]
    yield "simulation.stop", lambda: c.simulation.stop(456), ["disconnect_results"]
    yield "simulation.enhance_prompt", lambda: c.simulation.enhance_prompt(456), ["prompt_breakdown"]
    yield "simulation.delete", lambda: c.simulation.delete(456), []

    # Cloned voices.
    yield "voices.list_cloned_voices", lambda: c.voices.list_cloned_voices(), []
    yield "voices.list_cloned_voices(page)", lambda: c.voices.list_cloned_voices(limit=20, cursor="abc"), []
    yield "voices.create_cloned_voice", lambda: c.voices.create_cloned_voice(
        "Narrator", "https://example.com/sample.mp3", True, idempotency_key="clone-1", language="en"
    ), ["status"]
    yield "voices.get_cloned_voice", lambda: c.voices.get_cloned_voice(77), ["status"]
    yield "voices.update_cloned_voice", lambda: c.voices.update_cloned_voice(77, name="Narrator 2"), []
    yield "voices.get_cloned_voice_sample", lambda: c.voices.get_cloned_voice_sample(77), []
    yield "voices.regenerate_cloned_voice_sample", lambda: c.voices.regenerate_cloned_voice_sample(77), []
    yield "voices.delete_cloned_voice", lambda: c.voices.delete_cloned_voice(77), []

    # Workflows.
    yield "workflow.list_node_types", lambda: c.workflow.list_node_types(), []
    yield "workflow.list_node_types(filter)", lambda: c.workflow.list_node_types(q="email", category="messaging"), []
    yield "workflow.get_node_type", lambda: c.workflow.get_node_type("send_email"), []
    yield "workflow.get_node_type(full)", lambda: c.workflow.get_node_type("send_email", detail="full"), []
    yield "workflow.list_field_options", lambda: c.workflow.list_field_options("dispatch_call", "agent_id"), []
    yield "workflow.list_field_options(depends)", lambda: c.workflow.list_field_options(
        "dispatch_call", "from_number_id", user_id=456, depends=321
    ), []
    yield "workflow.list", lambda: c.workflow.list(), ["next_cursor"]
    yield "workflow.list(page)", lambda: c.workflow.list(limit=50, cursor="abc", user_id=456), ["next_cursor"]
    yield "workflow.create", lambda: c.workflow.create("Lead follow-up"), ["revision"]
    yield "workflow.create(graph)", lambda: c.workflow.create(
        "Lead follow-up", graph={"nodes": [], "connections": []}, user_id=456
    ), ["revision"]
    yield "workflow.get", lambda: c.workflow.get(55), ["revision"]
    yield "workflow.get(structure)", lambda: c.workflow.get(55, view="structure", user_id=456), ["revision"]
    yield "workflow.edit", lambda: c.workflow.edit(
        55, "rev-1", [{"op": "add_node", "node": {"type": "send_email"}}], name="Renamed"
    ), ["revision"]
    yield "workflow.validate", lambda: c.workflow.validate(55), []
    yield "workflow.publish", lambda: c.workflow.publish(55), []
    yield "workflow.activate", lambda: c.workflow.activate(55), []
    yield "workflow.deactivate", lambda: c.workflow.deactivate(55, user_id=456), []
    yield "workflow.test", lambda: c.workflow.test(55), []
    yield "workflow.test(payload)", lambda: c.workflow.test(55, payload={"lead": {"name": "Jane"}}), []
    yield "workflow.get_execution", lambda: c.workflow.get_execution(55, 9001), []
    yield "workflow.delete", lambda: c.workflow.delete(55), []


# (status, body) of each request the current call sent, recorded by the wrapper below.
SENT = []
_request = omnidimension.client.requests.request


def _recording_request(*args, **kwargs):
    response = _request(*args, **kwargs)
    try:
        body = response.json()
    except ValueError:
        body = response.text[:200]
    SENT.append((response.status_code, body))
    return response


omnidimension.client.requests.request = _recording_request


def lookup(body, dotted):
    """Whether `dotted` (keys separated by dots) is present in `body`."""
    node = body
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    client = Client(KEY, base_url=sys.argv[1])
    counts = {
        "calls": 0,
        "sent": 0,
        "accepted": 0,
        "rejected": 0,
        "sdk_refused": 0,
        "with_body": 0,
        "documented_keys_served": 0,
        "documented_keys_missing": 0,
    }
    failures = []
    covered = set()
    for label, thunk, keys in calls(client):
        counts["calls"] += 1
        covered.add(label.split("(")[0])
        SENT.clear()
        try:
            response = thunk()
        except (APIError, ValueError) as e:
            # Providers methods turn API errors into ValueError: what tells a rejection from the
            # SDK's own refusal is whether a request went out.
            if SENT:
                counts["sent"] += 1
                counts["rejected"] += 1
                failures.append(label)
                detail = json.dumps(getattr(e, "response", None) or SENT[-1][1])[:400]
                print(f"REJECTED {label}: {SENT[-1][0]} {detail}")
            else:
                counts["sdk_refused"] += 1
                print(f"SDK-REFUSED {label}: {e}")
            continue
        counts["sent"] += 1
        counts["accepted"] += 1
        body = response.get("json") if isinstance(response, dict) and "json" in response and "status" in response else response
        if isinstance(body, dict) and body:
            counts["with_body"] += 1
        missing = [k for k in keys if not lookup(body, k)]
        counts["documented_keys_served"] += len(keys) - len(missing)
        counts["documented_keys_missing"] += len(missing)
        if missing:
            failures.append(label)
            print(f"MISSING {label}: {missing}")
        else:
            print(f"ok {label}")
    uncovered = sorted(public_methods(client) - covered)
    if uncovered:
        failures.append("uncovered")
        print(f"UNCOVERED public methods: {uncovered}")
    counts["methods"] = len(public_methods(client))
    counts["failures"] = failures
    counts["sdk_version"] = getattr(omnidimension, "__version__", None) or sdk_version()
    print("SUMMARY " + json.dumps(counts))
    sys.exit(0 if not failures else 1)


def public_methods(client):
    """`group.method` for every public method of the SDK's groups (static helpers without HTTP,
    such as `Integrations.get_integration_format_examples`, are not calls of the API)."""
    import inspect

    names = set()
    for group in [
        "account", "agent", "bulk_call", "call", "integrations", "knowledge_base",
        "phone_number", "providers", "reseller", "voices", "simulation", "workflow",
    ]:
        obj = getattr(client, group)
        for name, _ in inspect.getmembers(obj, predicate=inspect.ismethod):
            if not name.startswith("_"):
                names.add(f"{group}.{name}")
    return names


def sdk_version():
    try:
        from importlib.metadata import version

        return version("omnidimension")
    except Exception:  # noqa: BLE001 - only informative
        return None


if __name__ == "__main__":
    main()
