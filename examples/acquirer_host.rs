//! An acquirer host on a loopback socket: tokio, the `tokio-util` codec of paywire's ISO 8583
//! framing, and the `cups-pos` spec. It answers each sign-in (0800) with an 0810, refuses what it
//! cannot parse without dropping the connection, and stops when the client hangs up. The client
//! in the same program sends the published sign-in of Ajsgn/Java8583 (`QuickStart.java`), one
//! message that is not ISO 8583, and a second sign-in, then closes.
//!
//! Run: `cargo run -p paywire-examples --example acquirer_host`

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use paywire::iso8583::framing::Framing;
use paywire::iso8583::framing::tokio::{FrameCodec, OwnedFrame};
use paywire::iso8583::{Message, MessageRef, Mti};
use paywire::unionpay::framing::parse_header;
use paywire::unionpay::spec::CUPS_POS;
use paywire::unionpay::txn::{self, KeyScheme, ResponseCode, Terminal};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let (host, client) = tokio::join!(host(listener), client(address));
    host?;
    client?;
    Ok(())
}

/// Serves one connection: every frame parsed, sign-ins answered, anything else refused.
async fn host(listener: TcpListener) -> Result<()> {
    let (socket, _) = listener.accept().await?;
    // The largest frame a POS host takes; longer length headers are refused before buffering.
    let codec = FrameCodec::new(Framing::CUPS).with_max_frame(4096);
    let mut frames = Framed::new(socket, codec);
    while let Some(frame) = frames.next().await {
        let frame = frame?;
        let request = match MessageRef::parse(&CUPS_POS, &frame.message) {
            Ok(request) => request,
            Err(e) => {
                println!("host: refused a frame: {e}");
                continue;
            }
        };
        if request.mti() != Mti::NETWORK_MANAGEMENT_REQUEST {
            println!("host: no answer to a {}", request.mti());
            continue;
        }
        println!(
            "host: {} from terminal {}",
            request.mti(),
            text(&request, 41)
        );
        let mut answer = Message::from_ref(&request).response(&[11, 12, 13, 41, 42, 60]);
        answer.set(37, "000000000001")?.set(39, "00")?;
        let (tpdu, header) = parse_header(&frame.header)?;
        let mut head = tpdu.reply().to_bytes().to_vec();
        head.extend(header.to_bytes());
        frames
            .send(OwnedFrame {
                header: Bytes::from(head),
                message: Bytes::from(answer.to_vec()?),
            })
            .await?;
    }
    println!("host: the terminal hung up");
    Ok(())
}

/// The terminal's side: the published 0800, junk, another 0800.
async fn client(address: std::net::SocketAddr) -> Result<()> {
    let socket = TcpStream::connect(address).await?;
    let mut frames = Framed::new(socket, FrameCodec::new(Framing::CUPS));
    let terminal = Terminal {
        terminal_id: "50080001",
        merchant_id: "309310083985008",
        batch: "000172",
    };
    let sign_in = txn::sign_in(
        &terminal,
        "000172",
        KeyScheme::Double,
        "CUP",
        Some(("170510", "0510")),
    )?;
    let header = Bytes::from_static(&[
        0x60, 0x00, 0x00, 0x00, 0x00, 0x60, 0x22, 0x00, 0x00, 0x00, 0x00,
    ]);
    let (tpdu, head) = parse_header(&header)?;
    let framed = txn::frame(tpdu, head, &sign_in.to_vec()?)?;
    let published = include_str!("../iso8583/tests/vectors/cups-0800-signin.hex");
    assert_eq!(
        hex::encode_upper(&framed),
        published.trim(),
        "the published 0800 frame"
    );
    println!(
        "terminal: 0800 sign-in, {} bytes framed, as published",
        framed.len()
    );
    // One message at a time, each answered before the next goes out: a sign-in, then a frame
    // that holds no ISO 8583 message (no answer comes), then another sign-in.
    let rounds: [(&[u8], bool); 3] = [
        (&sign_in.to_vec()?, true),
        (b"hello", false),
        (&sign_in.to_vec()?, true),
    ];
    for (message, answered) in rounds {
        frames
            .send(OwnedFrame {
                header: header.clone(),
                message: Bytes::copy_from_slice(message),
            })
            .await?;
        if !answered {
            continue;
        }
        let frame = frames.next().await.ok_or("the host closed")??;
        let answer = MessageRef::parse(&CUPS_POS, &frame.message)?;
        let code = ResponseCode::of(&answer).ok_or("no response code")?;
        println!(
            "terminal: {} {} for trace {}",
            answer.mti(),
            code.meaning().unwrap_or("?"),
            text(&answer, 11)
        );
    }
    Ok(())
}

fn text(m: &MessageRef<'_, '_>, field: u8) -> String {
    m.value(field)
        .map(|v| v.iter().map(char::from).collect())
        .unwrap_or_default()
}
