"""What the desk and the supervisor's page say about a live transcript, in both languages (people's
`add_messages`): speakers, and each assist notice (live/assist.py's kinds) as the reader sees it."""

MESSAGES = {
    "zh-CN": {
        "assist.title": "实时转写", "assist.caller": "客户", "assist.agent": "坐席", "assist.ended": "通话已结束。",
        "assist.escalation": "客户提到“{phrase}”（升级投诉风险），已切换到“客户情绪激动”话术，并已通知班长。",
        "assist.complaint": "客户提到“{phrase}”（投诉），已切换到“客户情绪激动”话术，并已通知班长。",
        "assist.greeting_missing": "通话开始 15 秒内未听到开场问候，请先问候客户并报出公司名称。",
        "assist.redacted": "{speaker}说出了{kinds}，转写中已隐去。",
        "assist.ticket_number": "{speaker}提到工单 {phrase}，已在工单栏打开。",
        "assist.ticket_missing": "{speaker}提到工单 {phrase}，但没有找到这张工单。",
        "assist.ticket_refused": "{speaker}提到工单 {phrase}，该工单不在您的权限内。",
        "assist.kind.card_number": "银行卡号", "assist.kind.id_number": "证件号", "assist.kind.phone_number": "电话号码",
        "assist.kind.number": "一串号码",
        "assist.alert.escalation": "升级风险", "assist.alert.complaint": "投诉",
        "assist.alert": "{kind}：客户在通话第 {at} 秒说“{phrase}”——{text}",
        "assist.open": "查看实时转写", "assist.close": "关闭", "assist.call": "通话 {sid}",
        "assist.no_alerts": "暂无通话告警。", "assist.alerts": "通话告警",
    },
    "en-US": {
        "assist.title": "Live transcript", "assist.caller": "Caller", "assist.agent": "Agent",
        "assist.ended": "The call has ended.",
        "assist.escalation": "The caller said “{phrase}” (escalation risk): switched to the upset-caller script; "
                             "your supervisor is alerted.",
        "assist.complaint": "The caller said “{phrase}” (a complaint): switched to the upset-caller script; "
                            "your supervisor is alerted.",
        "assist.greeting_missing": "No greeting heard in the call's first 15 seconds: greet the caller and say the "
                                   "company's name.",
        "assist.redacted": "The {speaker} said a {kinds}; it is hidden in the transcript.",
        "assist.ticket_number": "The {speaker} mentioned ticket {phrase}: opened in the ticket panel.",
        "assist.ticket_missing": "The {speaker} mentioned ticket {phrase}, but there is no such ticket.",
        "assist.ticket_refused": "The {speaker} mentioned ticket {phrase}, which is not yours to open.",
        "assist.kind.card_number": "card number", "assist.kind.id_number": "ID number",
        "assist.kind.phone_number": "phone number", "assist.kind.number": "number",
        "assist.alert.escalation": "Escalation risk", "assist.alert.complaint": "Complaint",
        "assist.alert": "{kind}: at {at} s the caller said “{phrase}”: {text}",
        "assist.open": "Live transcript", "assist.close": "Close", "assist.call": "Call {sid}",
        "assist.no_alerts": "No call alerts.", "assist.alerts": "Call alerts",
    },
}
