//! Just enough of server-sent events for `/changes/stream`: `event:` and
//! `data:` lines, events ended by a blank line, comments (keep-alives) ignored.
use futures_util::{Stream, StreamExt};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub event: String,
    pub data: String,
}

/// Splits the body into events; ends when the body does (or fails).
pub fn events(
    body: impl Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
) -> impl Stream<Item = Result<Event, String>> {
    futures_util::stream::unfold(
        (body, String::new(), false),
        |(mut body, mut buffer, ended)| async move {
            if ended {
                return None;
            }
            loop {
                if let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    if let Some(event) = parse(&block) {
                        return Some((Ok(event), (body, buffer, false)));
                    }
                    continue;
                }
                match body.next().await {
                    Some(Ok(bytes)) => {
                        buffer.push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n"))
                    }
                    Some(Err(e)) => return Some((Err(e.to_string()), (body, buffer, true))),
                    None => return Some((Err("the stream ended".into()), (body, buffer, true))),
                }
            }
        },
    )
}

fn parse(block: &str) -> Option<Event> {
    let mut event = String::from("message");
    let mut data: Vec<&str> = Vec::new();
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            event = value.trim().to_owned();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value));
        }
    }
    if data.is_empty() {
        // A comment (the server's keep-alive): proof the connection lives.
        return (!block.trim().is_empty()).then(|| Event {
            event: KEEP_ALIVE.into(),
            data: String::new(),
        });
    }
    Some(Event {
        event,
        data: data.join("\n"),
    })
}

/// The event name given to a comment-only block.
pub const KEEP_ALIVE: &str = "keep-alive";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_parsed_and_keep_alives_noticed() {
        assert_eq!(
            parse("event: change\ndata: {\"seq\":1}\n\n"),
            Some(Event {
                event: "change".into(),
                data: "{\"seq\":1}".into()
            })
        );
        assert_eq!(parse(": keep-alive\n\n").unwrap().event, KEEP_ALIVE);
        assert_eq!(parse("\n\n"), None);
    }
}
