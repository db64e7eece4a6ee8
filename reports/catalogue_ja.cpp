// The Japanese column of the message catalogue (see messages.h): the same keys as the English
// column, the same placeholders. Protocol names (DNS, EDNS, TCP, RRSIG, ICMP …) stay as written,
// as Japanese operators write them; every other word is Japanese. A unit test holds both columns
// to the same keys and finds English words left in this one.
#include "reports/messages.h"

namespace dnspath::reports {
namespace {

const Table kTitles = {
    {"reachability", "小さなクエリに応答がある"},
    {"udp-large", "大きな UDP 応答が通る"},
    {"udp-fragments", "フラグメント化した UDP が通る"},
    {"tcp-fallback", "TC=1 の応答のあと TCP で再問い合わせできる"},
    {"tcp-direct", "TCP 53 番がフィルタされていない"},
    {"pmtu", "経路 MTU 探索が働く"},
    {"nat", "NAT ではなくグローバル到達性がある"},
    {"port-randomness", "送信元ポートがランダムなまま届く"},
    {"dnssec-passthrough", "DNSSEC のレコードが通る"},
    {"edns-options", "EDNS オプションが変更されずに通る"},
    {"edns-version", "EDNS バージョン 1 に BADVERS が返る"},
    {"qdcount", "QDCOUNT が 1 以外なら FORMERR が返る"},
    {"unknown-opcode", "未定義のオペコードに NOTIMP が返る"},
    {"header-bits", "AD・CD・Z ビットが往復とも送ったとおりに届く"},
    {"case-0x20", "クエリ名の大文字・小文字が送ったとおりに返る"},
    {"unknown-type", "未定義のタイプ（TYPE65280）がそのまま通る"},
    {"nxdomain-rewrite", "存在しない名前には NXDOMAIN が返る"},
    {"edns-flags", "未知の EDNS フラグが通り、EDNS バージョン 1 に BADVERS が返る"},
    {"udp-no-edns", "EDNS なしの DNS で 512 オクテットまで応答できる"},
    {"edns-truncation", "大きすぎる応答は TC=1 で返る"},
    {"path-trace", "プローブの通り道（TTL を限った複製）"},
    {"dns-proxy", "DNS プロキシが DNSSEC の応答を通す"},
    {"udp-sessions", "多数の新しい UDP フローを同時に通す"},
    {"udp-mapping-timeout", "UDP の対応付けが遅れた応答を待てる"},
    {"device-load", "機器を通したスループットと遅延"},
    {"dns-interception", "クエリが横取りされずに対象に届く"},
    // dnspath diagnose
    {"server-reach", "ゾーンのサーバが権威として応答する"},
    {"server-edns", "サーバが UDP で EDNS0 を話す"},
    {"server-tcp", "サーバが TCP/53 で応答する"},
    {"server-large-udp", "ゾーンの大きな応答が UDP で届く"},
    {"zone-signed", "ゾーンが署名付きで提供される（DNSKEY、DO=1 で RRSIG）"},
    {"signature-validity", "署名が有効期間内にある"},
    {"signing-keys", "署名鍵が頂点にあり KSK がある"},
    {"signature-crypto", "すべての RRSIG が検証できる"},
    {"ds-delegation", "親の DS が子の KSK と一致する"},
    {"ds-ttl", "DS の TTL が委任 NS の TTL と等しい"},
    {"referral-ds", "委任応答に DS とその RRSIG がある"},
    {"ds-not-at-apex", "子ゾーンの頂点に DS がない"},
    {"denial", "存在しない名前が署名付きで否定される"},
    {"resolver-reach", "フルリゾルバが応答する"},
    {"resolver-ad", "フルリゾルバが検証する（AD=1）"},
    {"resolver-validation", "フルリゾルバがゾーンを検証できる"},
    {"resolver-do", "フルリゾルバが上流に DO を立てる"},
};

const Table kJapanese = {
    {"ok", "合格"},
    {"not-measured", "未測定"},
    {"not-measured:unreachable", "未測定：対象に到達できない"},
    {"not-measured:no-target", "未測定：このアドレスファミリの対象が指定されていない"},
    {"not-measured:target-mode", "対象モードでは未測定：'{kind}' 種別には dnspath の応答器が必要"},
    {"not-measured:not-implemented", "未測定：プローブ種別 '{kind}' はまだ実装されていない"},
    {"not-measured:proxy-upstream-unseen", "未測定：機器の DNS プロキシ（{proxy}）は dnspath の応答サーバではなく自分の上流に転送するため、上流へ何を送るか見えない。--wan も付けてベンチする（ベンチがその上流になる）"},
    {"not-measured:proxy-is-target", "未測定：プロキシとして指定された DNS サーバ（{proxy}）はサーバそのもので、間に試験するプロキシがない（LAN に上流のアドレスを配る機器）"},
    {"not-measured:no-proxy", "試験するこのファミリのプロキシがない：--proxy ADDRESS か target.proxies（CPE の LAN 側アドレス）を指定する"},
    {"not-measured:no-baseline",
     "比較の基準がない：--baseline ADDRESS か target.baseline（機器を通さずに届くサーバ）を指定する"},
    {"not-measured:no-echo", "エコーが返らず、サーバが何を受け取ったか分からない"},
    {"not-measured:too-few-answers", "判定するには応答が少なすぎる（{answers}）"},
    {"not-measured:not-exercised", "この経路ではフラグメントが必要にならなかった（手元のリンクの MTU {mtu} で 4000 オクテットの応答がそのまま届く）"},
    {"not-measured:no-trace", "追跡していない：{error}"},
    {"not-measured:server-not-reached", "{max_ttl} ホップ以内にサーバへ届かなかった[：{route}]"},
    {"not-measured:no-large-name", "1232 オクテットを超える応答の名前が一覧になく、TC=1 で返るものがなかった（大きな名前を加える）"},
    {"not-measured:no-signed-name", "dnssec = true の名前が一覧にない"},
    {"not-measured:needs-echo", "対象モード：dnspath の応答器のエコーが必要"},
    {"not-measured:no-answer", "これらのプローブのどれにも対象が応答しなかった"},
    {"no-answer", "応答なし[（{name}）][（{outcome}）]"},
    {"no-answer:reachability", "対象 {target} が小さなクエリに応答しない（{outcome}）：この経路のほかの項目は判定できない"},
    {"no-answer:dnskey", "DNSKEY のクエリ（DO=1）に {transport} で応答がない（{outcome}）：リゾルバが鍵を得られない"},
    {"no-answer:no-edns", "EDNS なしのクエリに応答がない"},
    {"no-answer:tc-answer", "大きすぎる問い合わせへの TC=1 の応答が届かない（{outcome}）：リゾルバは TCP に切り替えられない"},
    {"no-answer:df", "DF 付きのパケットが 1280 オクテットでさえ通らない"},
    {"no-answer:options", "EDNS オプション付きのクエリに応答がない（{outcome}）"},
    {"no-answer:edns-version", "EDNS バージョン 1 のクエリが破棄された（{outcome}）"},
    {"unknown-opcode:no-answer", "オペコード 15（未定義）のクエリが破棄された（{outcome}）：RFC 8906 では NOTIMP。未知のオペコードを破棄する機器があると、将来のオペコードはこの経路を通れない"},
    {"header-bits:no-answer", "AD=1・CD=1 のクエリに応答がなかった（{outcome}）：想定外のヘッダービットをもつクエリを破棄する機器がある"},
    {"case-0x20:no-answer", "大文字・小文字を混ぜた名前のクエリに応答がなかった（{outcome}）"},
    {"unknown-type:no-answer", "TYPE65280（未定義のタイプ）の質問に応答がなかった（{outcome}）：知らないタイプを破棄する機器があると、新しいレコードタイプはすべて通れない（RFC 3597）"},
    {"nxdomain-rewrite:no-answer", "存在しない名前の質問に応答がなかった（{outcome}）"},
    {"edns-flags:no-answer:edns-flags", "未知の EDNS フラグ（0x4000）を立てたクエリに応答がなかった（{outcome}）：知らないものを破棄する機器があると、将来の EDNS フラグはすべて通れない（RFC 6891 6.1.4）"},
    {"edns-flags:no-answer:edns-version", "EDNS バージョン 1 と未知のオプションをもつクエリに応答がなかった（{outcome}）：RFC 6891 では BADVERS"},
    {"no-answer:proxy", "プロキシ {proxy} が小さなクエリに応答しない（{outcome}）"},
    {"no-answer:small", "応答に {records} のレコードがない"},
    {"qdcount:no-answer", "QDCOUNT 0 への応答は {qdcount0}、QDCOUNT 2 への応答は {qdcount2}：RFC 9619 では FORMERR"},
    {"size-cap", "{size} オクテット（DNS メッセージ）以上の UDP 応答が痕跡なく消える（通知したサイズ {advertised}[、届いた最大 "
                 "{largest} オクテット ±8][、{gap} オクテットの隔たり]）[：{names}]"},
    {"pmtu:size-cap", "{size} オクテット（IP パケット）以上の応答パケットが DF の有無にかかわらず消える：MTU ではなくサイズによる"
                      "フィルタ（udp-large を参照。そちらは DNS メッセージだけを数える）。サーバ方向の DF パケットの最大 "
                      "{forward} オクテット[、戻り方向 {back} オクテット]"},
    {"udp-fragments:size-cap", "フラグメントになった大きな応答が失われる（{answers_lost} オクテット）一方、小さなフラグメントの"
                               "クエリは通る：フラグメントそのものはフィルタされていない。応答は UDP 長の制限（udp-large を参照）"
                               "か、先の区間の小さな MTU（pmtu を参照）で失われている"},
    {"dnssec-passthrough:size-cap", "署名付きの {size} オクテットの応答が UDP で届かなかった"},
    {"dns-proxy:size-cap", "署名付きの {size} オクテットの応答がプロキシを通って届かない"},
    {"edns-buffer-cap", "{advertised} を通知したのに {size} オクテット以上の応答が TC=1 で返る：経路上の何かが EDNS バッファ"
                        "サイズを制限している。リゾルバは TCP に切り替える[（届いた最大 {largest} オクテット）][：{names}]"},
    {"dnssec-passthrough:edns-buffer-cap", "{advertised} を通知したのに {sizes} オクテットの署名付き応答が UDP では TC=1 で"
                                           "返り、署名付きで届くのは TCP だけ：検証はできるが往復が一回増える"},
    {"dns-proxy:edns-buffer-cap", "1232 オクテットの応答に TCP が要る：プロキシがクライアントに UDP で渡すのは 1232 オクテット未満"},
    {"truncated-without-tc", "{size} オクテットの応答が TC=1 なしで途中で切られて届く[（{answer} オクテット）][（{transport}）]"
                             "[：{names}]：リゾルバは完全な応答として扱ってしまう"},
    {"udp-no-edns:truncated-without-tc", "EDNS なしの DNS が RFC 1035 どおりでない：EDNS なしの 600 オクテットの応答が "
                                         "TC=1 で返らなかった（512 オクテットの配送：{delivered}）"},
    {"fragment-filter", "IP フラグメントが破棄されている（{direction}、{family}）：フラグメントになった DNS メッセージは"
                        "完全な形で届かない[；失われた応答：{answers_lost} オクテット][；{queries_lost} オクテットの"
                        "フラグメント化したクエリが失われた]"},
    {"fragment-filter:answers", "フラグメント化した応答が破棄されている（{family}）：1 パケットに収まらない応答はすべて戻り道で"
                                "失われ、フラグメント化したクエリは通る[；失われた応答：{answers_lost} オクテット]"},
    {"fragment-filter:queries", "フラグメント化したクエリが破棄されている（{family}）：1 パケットに収まらないクエリはサーバに"
                                "届かない[；{queries_lost} オクテットのフラグメント化したクエリが失われた]"},
    {"mtu", "経路上に小さな MTU がある[（{mtu}）]が、それを知らせる ICMP は届く[（送信元 {sender}）]"},
    {"pmtu:mtu:queries", "経路 MTU {forward}：{icmp_from} からの ICMP too big が MTU {icmp_mtu} を知らせたので、経路 MTU 探索は働く"},
    {"pmtu:mtu:answers", "DF 付きで送った {back} オクテットを超える応答が戻り道で消える（DF を立てるサーバと TCP はここで"
                         "経路 MTU 探索に頼る。その ICMP はサーバ宛て）"},
    {"pmtud-blackhole", "経路 MTU 探索のブラックホール：経路 MTU を超えるパケットが消え、ICMP too big が送信元に届かない"
                        "[（{icmp_dropped_by} が破棄している）][；影響：{transports}]"},
    {"pmtu:pmtud-blackhole:queries", "サーバ方向の経路 MTU 探索のブラックホール：{forward} オクテットを超える DF パケットが消え、"
                                     "ICMP too big が返らない[（{icmp_dropped_by} が破棄している）]；影響：{transports}"},
    {"pmtu:pmtud-blackhole:answers", "プローブ方向の経路 MTU 探索のブラックホール：{back} オクテットを超える応答パケットが"
                                     "再送後も消え、サーバは Packet Too Big を受け取れない。同じ応答を 1280 オクテットの"
                                     "フラグメントで送ると届く[（{icmp_dropped_by} が ICMP を破棄している）]；影響：{transports}"},
    {"tcp-filter", "TCP 53 番がフィルタされている[（{action}、段階：{stage}）]"},
    {"tcp-filter:reset", "TCP 53 番が拒否された：接続にリセットが返った（段階：{stage}）"},
    {"tcp-filter:drop", "TCP 53 番が黙って破棄された（段階：{stage}）"},
    {"dnssec-passthrough:tcp-filter", "署名付きの {size} オクテットの応答が TC=1 で返り、TCP での再問い合わせに失敗した"},
    {"dns-proxy:tcp-filter", "プロキシから署名付きの {size} オクテットの応答が TC=1 で返り、TCP での再問い合わせに失敗した"},
    {"interception", "経路上の機器が DNS を横取りしている[（{device}）]：対象へのクエリにその機器が自ら応答するか、"
                     "送り直している[（根拠：{evidence}）][；{instead_of}に見えたのはこのため]"},
    {"proxy-refused", "プロキシ {proxy} は問い合わせに自分で {rcode} を返した[（委任応答）]：スタブと同じく RD=1 で尋ねても、このゾーンの名前を応答サーバへ転送しないため、プロキシが中継するものを試験できなかった"},
    {"proxy-rewrite", "プロキシが途中でクエリを書き換えた（{field}）"},
    {"proxy-rewrite:bufsize", "EDNS バッファサイズが途中で書き換えられた[（{from} から][ {to} へ）][：{answer} オクテットの"
                              "応答が TC=1 なしで返った]"},
    {"proxy-rewrite:z", "EDNS の Z ビットが途中で {to} に変えられた"},
    {"proxy-rewrite:options", "EDNS オプションが途中で変えられた：{options}"},
    {"tcp-fallback:proxy-rewrite", "リゾルバは TCP に切り替えられない：大きすぎる問い合わせに TC=1 なしの {answer} オクテットの "
                                   "UDP 応答が返った（バッファサイズが書き換えられていた）"},
    {"dns-proxy:proxy-rewrite", "プロキシが上流に通知するのは {to} オクテットだけ（1232 未満）"},
    {"header-bits:header-bit-changed:proxy-ad", "プロキシ {proxy} の応答では上流が立てた AD ビットが消えている：上流の DNSSEC 検証結果がスタブに届かない（検証しないプロキシには RFC 4035 で許されるが、RFC 5625 の透過性に反する。SAC035 では家庭用ルーター 22 台中 6 台で DNSSEC のフラグが壊れていた）"},
    {"header-bits:header-bit-changed:proxy-cd", "プロキシ {proxy} の応答ではスタブが立てた CD ビットが消えている：検証するスタブが不正なデータを検証済みと取り違える（RFC 6840 5.9）"},
    {"option-stripped", "EDNS オプションが取り除かれた[（{direction}）]：{options}"},
    {"do-cleared", "DO=1 が[途中で（{direction}）]消された：応答は署名なしで返る"},
    {"header-bit-changed", "ヘッダービット {bits} が送ったとおりに届かなかった[（{direction}）]"},
    {"header-bits:header-bit-changed:query", "クエリに立てた {bits} が応答サーバーに届かなかった：途中の機器が消した（RFC 6840 5.7〜5.9：AD と CD は立てたまま届くべき）"},
    {"header-bits:header-bit-changed:answer", "応答サーバーが立てた {bits} が戻らなかった：途中の機器が応答で消した（RFC 5625 4.1：フラグは変えずに通すべき）"},
    {"name-case-changed", "クエリ名が送った {sent} ではなく {got} で返った[（{direction}）]"},
    {"case-0x20:name-case-changed:query", "クエリ名が別の大文字・小文字でサーバーに届いた（{got}、送信は {sent}）：途中の機器が書き換えた。0x20 ビットを乱数に使うフルリゾルバ（RFC 5452）はその応答を捨てる"},
    {"case-0x20:name-case-changed:answer", "応答の質問名が送った {sent} ではなく {got} で返った：大文字・小文字を照合するフルリゾルバ（0x20）はその応答を捨てる"},
    {"case-0x20:name-case-changed:proxy", "プロキシ {proxy} の応答の質問名が尋ねた {sent} ではなく {got} だった：大文字・小文字を照合するスタブ（0x20）はその応答を捨てる"},
    {"unknown-type-changed", "{type} のレコードが[（{what}）]応答サーバーの送ったとおりに届かなかった"},
    {"unknown-type:unknown-type-changed:missing", "TYPE65280 の質問への応答から TYPE65280 のレコードが消えていた：知らないタイプを取り除く機器がある（RFC 3597）"},
    {"unknown-type:unknown-type-changed:rdata", "TYPE65280 のレコードの RDATA が応答サーバーの送ったものと違っていた：形式を知りえないデータを機器が書き換えた（RFC 3597 では不透明なデータとして 1 オクテットも変えずに通す）"},
    {"nxdomain-rewritten", "存在しない名前に NXDOMAIN ではなく {rcode}[（アドレス {address}）]が返った"},
    {"nxdomain-rewrite:nxdomain-rewritten:address", "存在しない名前に NXDOMAIN ではなく {rcode} とアドレス {address} が返った：機器が NXDOMAIN を自分のアドレスに書き換えている（SAC032）。入力ミスがその機器のページに行き、クライアントは名前が存在しないことを知れない"},
    {"nxdomain-rewrite:nxdomain-rewritten:nodata", "存在しない名前に NXDOMAIN ではなく {rcode}（レコードなし）が返った：機器が応答の RCODE を書き換えた（RFC 2308：NXDOMAIN は名前が存在しないことを示す）"},
    {"rrsig-stripped", "応答に RRSIG がない[（{records}）][（{size} オクテット）][（{name}）]：検証するリゾルバは失敗する"},
    {"signature-invalid", "RRSIG が検証できない[（{records}）][（{name}）][（{size} オクテットの応答）]：署名されたデータが"
                          "改変されている"},
    {"nat", "サーバに見えるのはプローブの {local} ではなく {seen}：経路上に NAT がある[（{devices}）]"},
    {"nat:ok", "サーバにはプローブ自身のアドレス {local} が見える"},
    {"port-rewrite", "送信元ポートが{pattern}で届く：クエリ {queries} 件、異なるポート {distinct} 個、範囲 {low}-{high}"
                     "（約 {bits} ビット）、送ったまま {kept} 件"},
    {"port-randomness:ok", "送信元ポートはランダムに届く：クエリ {queries} 件、異なるポート {distinct} 個、範囲 {low}-{high}"
                           "（約 {bits} ビット）、送ったまま {kept} 件"},
    {"random-loss", "[{sizes} 種のサイズのうち {lost} 種が再送しても失われ、より大きなもの（{largest_overall} まで）は届いた："
                    "]経路がランダムにパケットを失っている[（{answered_after_retry} 件の応答は再送後にだけ届いた）]。"
                    "サイズ制限やフィルタではない[；{instead_of}に見えていた]"},
    {"udp-sessions:random-loss", "新しい UDP フロー {flows} 本のうち {answered} 本に応答があり、連続したのは最初の {prefix} 本："
                                 "損失はフロー全体に散らばり、状態テーブルが埋まったのではない。経路がランダムにパケットを失っている"},
    {"rate-limit", "新しい UDP フローが流量制限されている：同時に送った {flows} 本のうち応答は {answered} 本だけだが、"
                   "一本ずつ送った {paced_flows} 本では {paced_answered} 本に応答があった（状態テーブルの枯渇ではなく流量制限）"},
    {"state-table-full", "新しい UDP フロー {flows} 本のうち応答は {answered} 本だけ（連続したのは最初の {prefix} 本）で、"
                         "そのあと一本ずつ送ったフローも破棄される（{paced_flows} 本中 {paced_answered} 本）：約 {answered} "
                         "フローで状態テーブルが満杯[（数えると {capacity} フロー、計画の求める {minimum} に届かない）]"},
    {"state-table-full:evict-old", "新しい UDP フローにはすべて応答があったが、古いフローが消えていた：新しいエントリのために"
                                   "古いものを追い出す状態テーブルで、保持できるのは {capacity} フロー（同時に開いた "
                                   "{tested_to} フロー中）。計画の求める {minimum} に届かない"},
    {"refused", "サーバがサイズ指定の応答を REFUSED にした：プローブの鍵が応答器の鍵と一致しない（--key-file）か、"
                "対象が dnspath の応答器ではない"},
    {"wrong-rcode", "{expected} ではなく {rcode} が返った"},
    {"qdcount:wrong-rcode", "QDCOUNT 0 への応答は {qdcount0}、QDCOUNT 2 への応答は {qdcount2}：RFC 9619 では FORMERR"},
    {"unknown-opcode:wrong-rcode", "オペコード 15（未定義）のクエリへの応答は {rcode}：RFC 8906 では NOTIMP"},
    {"unknown-type:wrong-rcode", "TYPE65280 の質問への応答が {expected} ではなく {rcode} だった：知らないタイプを拒む機器がある（RFC 3597 では不透明なデータとして扱う）"},
    {"nxdomain-rewrite:wrong-rcode", "存在しない名前の質問への応答が {expected} ではなく {rcode} だった"},
    {"edns-flags:wrong-rcode", "{expected} が返るべきところに {rcode} が返った（未知の EDNS フラグは無視され、EDNS バージョン 1 には BADVERS：RFC 6891）"},
    {"edns-flags:proxy-rewrite:z", "未知の EDNS フラグ（0x4000）が送ったとおりに応答サーバーへ届かなかった（{to}）：途中の機器が消すか書き換えた（RFC 6891 6.1.4：そのまま通して無視する）"},
    {"loss-located", "追跡 {traced}：プローブが途中で失われる[（{direction}）][（ホップ {hop} の先）][；経路 {route}]"},
    {"loss-located:answer", "追跡 {traced}：同じクエリで応答が小さければ応答があるので、クエリはサーバに届き[ {size} "
                            "オクテットの]応答が戻り道で失われている[（クエリはホップ {hop} まで見えた）][；経路 {route}]"},
    {"loss-located:query", "追跡 {traced}：クエリがサーバに届かない[；ホップ {hop} の先で失われる][；経路 {route}]"},
    {"query-changed", "追跡 {traced}：クエリが途中で変えられた：{change_list}[；経路 {route}]"},
    {"overload", "機器を通した負荷時 {through_text}；機器なし {baseline_text}；スループット比 {ratio}"},
    {"overload:drops", "負荷がかかると機器がクエリを破棄する：{through_text}；機器なし {baseline_text}"},
    {"overload:slow", "機器がスループットの半分以上を奪う：{through_text}；機器なし {baseline_text}（比 {ratio}）"},
    {"overload:nothing-through", "負荷時に機器を通した応答が一つもない；機器なし {baseline_text}"},
    {"overload:nothing-answered", "負荷時、機器を通しても通さなくても応答が一つもない"},
    {"probe-error", "プローブを実行できなかった：{error}"},
    {"inconclusive", "判定できない（候補：{candidates}）。この経路で測った損失率[（{loss_rate}）]では、ランダムな損失でも"
                     "同じ結果になりうる[（確率 {p_value}）]。--repeat {repeat} を付けて再実行すると判定できる"},
    {"udp-large:ok", "[{from} から {to} オクテットまでの全サイズが完全に届いた（通知したサイズ {advertised}）][（届いた最大 {largest} オクテット）]"},
    {"udp-no-edns:ok", "EDNS なしで 512 オクテットの応答が届き、600 オクテットは TC=1 で返った"},
    {"edns-truncation:ok", "バッファ 1232 オクテットへの 3000 オクテットの応答が TC=1 で返った（{size} オクテット）"},
    {"tcp-direct:ok", "TCP 53 番で応答が届いた[（{size} オクテット）][（{rtt_ms} ms）][（{name}）]"},
    {"tcp-fallback:ok", "UDP で TC=1、そのあと TCP で応答全体が届いた[（{size} オクテット）][（{name}）]"},
    {"edns-options:ok", "Cookie、Padding、EDE、Report-Channel、未知のオプション（65001）、DO=1 とバッファサイズが変更されずに"
                        "応答器に届いた"},
    {"edns-version:ok", "EDNS バージョン 1 に BADVERS が返った"},
    {"qdcount:ok", "QDCOUNT 0 と 2 のどちらにも FORMERR が返った"},
    {"unknown-opcode:ok", "オペコード 15（未定義）のクエリに NOTIMP が返った"},
    {"header-bits:ok", "AD と CD は立てたまま応答サーバーに届き、AD・CD・Z は応答サーバーが立てたまま戻った"},
    {"case-0x20:ok", "大文字・小文字を混ぜた名前が送ったとおりに返った（{name}）"},
    {"unknown-type:ok", "TYPE65280（未定義のタイプ）の質問に {rcode} が返った"},
    {"nxdomain-rewrite:ok", "存在しない名前に NXDOMAIN が返った"},
    {"edns-flags:ok", "未知の EDNS フラグを立てたクエリに応答が返り（エコーで見える場合はフラグも送ったとおりに届き）、未知のオプション付きの EDNS バージョン 1 には OPT 付きの BADVERS が返った"},
    {"proxy:header-bits:ok", "プロキシは CD を尋ねたとおりに、AD を上流が立てたとおりに返した"},
    {"proxy:case-0x20:ok", "プロキシは尋ねたとおりの大文字・小文字の質問名で応答した（{name}）"},
    {"udp-fragments:ok", "フラグメントは通る：{answers_passed} オクテットの応答[、{queries_passed} オクテットの"
                         "フラグメント化したクエリ][；{no_raw}]"},
    {"pmtu:ok", "DF 付きのパケットが双方向に通る：サーバ方向の最大 {forward}、戻り方向 {back}（{ceiling} まで試験）"},
    {"dnssec-passthrough:ok", "[{dnskey_size} オクテットの DNSKEY RRset（鍵タグ {key_tag}）と {sizes} オクテットの署名付き応答が"
                              "検証できる RRSIG 付きで届き、DO はサーバに届く][DO=1 の応答はすべて RRSIG 付きだった"
                              "（{names} 件の名前）]"},
    {"dns-proxy:ok", "プロキシ {proxy} は上流に EDNS {upstream_bufsize} で問い合わせ、DO を通し、検証できる RRSIG 付きの"
                     "署名付き応答を返す"},
    {"short-mapping-timeout", "[{held_s} 秒遅らせた応答は戻ったが、]{expired_s} 秒以上遅らせた応答は一つも戻らなかった[："
                              "UDP の対応付けはおよそ {mapping_timeout_s} 秒で消える][（計画が求める {minimum_s} 秒未満）]"
                              "。権威サーバの遅い応答やリゾルバの再送への応答が帰り道で破棄される"},
    {"udp-mapping-timeout:ok", "[UDP の対応付けはおよそ {mapping_timeout_s} 秒続く（{held_s} 秒遅らせた応答は戻り、"
                               "{expired_s} 秒遅らせた応答は戻らなかった）。計画が求める {minimum_s} 秒以上]"
                               "[{tested_to_s} 秒まで遅らせた応答はすべて戻った：対応付けは消えなかった]"},
    {"udp-mapping-timeout:inconclusive", "{held_s} 秒遅らせた応答は戻り、{expired_s} 秒以上遅らせた応答は戻らなかったが、"
                                         "その間の損失のため、この経路で測った損失率[（{loss_rate}）]ではタイムアウトを決められない"},
    {"udp-sessions:ok", "同時に開いておいた新しい UDP フロー {flows} 本のうち {answered} 本に応答があった[：状態テーブルは "
                        "{capacity} フローを保持する（{policy}）。計画の求める {minimum} 以上][。{stopped_by}のため "
                        "{tested_to} フローで増加を止めた]"},
    {"device-load:ok", "機器を通して {through_text}；機器なし {baseline_text}；スループット比 {ratio}"},
    {"path-trace:ok", "追跡 {traced}：{route}"},
    {"dns-interception:ok", "クエリは対象そのものに届く：エコーに送った DNS ID とファミリが見え、RA は立っていない"},
    {"finding:query-dropped", "{device} がクエリを破棄した[（フラグメント {fragments} 個）]"},
    {"finding:answer-dropped", "{device} が応答を破棄した[（{size} オクテット、フラグメント {fragments} 個）]"},
    {"finding:fragments-dropped", "{device} は{direction}のフラグメント {fragments} 個のうち {passed} 個を通し、残りを破棄した"},
    {"finding:icmp-too-big", "{device} は{direction}を MTU {mtu} には大きすぎるとして拒み、それを知らせた（ICMP フレーム {icmp_frame}）"},
    {"finding:icmp-time-exceeded", "{device} で{direction}の TTL が尽き、それを知らせた"},
    {"finding:icmp-unreachable", "{device} が{direction}を ICMP unreachable（コード {code}）で拒んだ"},
    {"finding:icmp-dropped", "{device} が、{sender} が{direction}について送った ICMP too big（MTU {mtu}）を破棄した："
                             "経路 MTU 探索のブラックホール"},
    {"finding:answered-locally", "{device} がクエリに自ら応答した。サーバには届いていない"},
    {"finding:opt-removed", "{device} が{direction}から OPT レコードを取り除いた"},
    {"finding:bufsize-rewritten", "{device} がクエリの EDNS バッファサイズを {from} → {to} に書き換えた"},
    {"finding:do-cleared", "{device} がクエリの DO を消した"},
    {"finding:options-stripped", "{device} が{direction}から EDNS オプションを取り除いた：{options}"},
    {"finding:header-bits-changed", "{device} が{direction}の {bits} を書き換えた"},
    {"finding:name-case-changed", "{device} が{direction}の名前の大文字・小文字を書き換えた"},
    {"finding:rcode-changed", "{device} が応答の RCODE を {from} から {to} に書き換えた"},
    {"finding:tc-set", "{device} が応答を切り詰めた（TC=1、{from} → {to} オクテット）"},
    {"finding:answer-cut", "{device} が応答を TC なしで {from} から {to} オクテットに切った"},
    {"finding:rrsig-stripped", "{device} が応答から RRSIG を取り除いた（{from} → {to}）"},
    {"finding:tcp-syn-dropped", "{device} が TCP SYN を破棄した"},
    {"finding:tcp-syn-reset", "{device} が TCP SYN にリセットを返した"},
    {"finding:tcp-synack-dropped", "{device} が TCP SYN-ACK を破棄した"},
    {"finding:tcp-data-dropped", "{device} は TCP のハンドシェイクを通し、応答のセグメントを破棄した"},
    {"finding:reoriginated", "{device} が DNS プロキシとして{direction}を送り直した（DNS ID {from_id} → {to_id}）"},
    {"finding:destination-changed", "{device} がクエリを {from} ではなく {to} に送った（DNAT または横取り）"},
    {"finding:source-translated", "{device} が送信元を {from} → {to} に変換した"},
    {"finding:ttl-lowered", "{device} が{direction}の TTL を {by} 減らした（内部にホップが隠れている）"},
    {"finding:ttl-raised", "{device} が{direction}の TTL を {from} → {to} に上げた（パケットを送り直した）"},
    {"finding:reassembled", "{device} が{direction}のフラグメントを {from} → {to} に変えた"},
    {"finding:not-at-first-tap", "クエリが最初のタップ（{tap}）に届かなかった"},
    {"finding:lost-between-taps", "タップのない {between} の間で失われた（{instead_of}）"},
    {"finding:tap-lost-packets", "{between} の間で失われたが、そこのタップがパケットを取りこぼしたため誰も責めない（{instead_of}）"},
    {"finding:tap-overflow", "このプローブの近くでタップ {tap} の{table}の表があふれたため誰も責めない[（{instead_of}）]"},
    // dnspath diagnose (probe/diagnose)
    {"server-reach:no-answer:udp", "サーバが UDP では応答せず（{failure}）TCP では応答する：経路上で UDP/53 がフィルタされている"},
    {"server-reach:no-answer:udp-tcp", "サーバが UDP（{failure}）でも TCP でも応答しない：停止しているか経路が切れている"},
    {"server-reach:interception", "ゾーン自身の SOA への応答が権威応答ではない（AA=0[、証拠 {evidence}]）：経路上のリゾルバか DNS プロキシが {target} の代わりに応答している"},
    {"server-reach:refused", "サーバがゾーンの権威として応答しない（{rcode}）：ゾーンが読み込まれていない（頂点の DS など、サーバが拒否する署名済みファイルは SERVFAIL になる）"},
    {"server-edns:no-answer:edns", "EDNS0 付きのクエリに応答がなく（{failure}）通常のクエリには応答がある：EDNS0 のクエリが破棄されている"},
    {"server-edns:wrong-rcode", "サーバが EDNS0 のクエリに {rcode} を返す：EDNS0 に対応していない"},
    {"server-edns:option-stripped:opt", "UDP の応答に OPT レコードがない"},
    {"server-tcp:tcp-filter", "サーバへの TCP/53 が失敗する（{failure}）"},
    {"server-large-udp:size-cap", "{size} オクテットの応答が UDP で失われ（{failure}）、512 オクテットのバッファへの TC=1 応答は届く[（届いた最大 {largest}）]：経路上のサイズ制限"},
    {"server-large-udp:no-answer", "{size} オクテットの応答が UDP で失われ（{failure}）[（届いた最大 {largest}）]、512 オクテットのバッファでも届かない"},
    {"server-large-udp:ok", "最大の応答 {largest} オクテット[、UDP で {delivered} オクテットまで届いた]"},
    {"dnskey-missing", "{zone} に DNSKEY がない（{rcode}）：ゾーンが署名されていないか、読み込まれているのが署名済みファイルではない"},
    {"rrsig-missing", "DO=1 への応答に {type} の RRSIG が UDP でも TCP でもない：サーバが署名済みゾーンを提供していない"},
    {"zone-signed:rrsig-stripped", "TCP の応答にある {type} の RRSIG が UDP の応答にない：経路上で RRSIG が取り除かれている"},
    {"zone-signed:nsec3param-missing", "{zone} は鍵を公開しているが頂点に NSEC も NSEC3PARAM もないため、サーバは未署名として扱い RRSIG を一切返さない"},
    {"zone-signed:ok", "鍵 {key_count} 個、DO=1 で RRSIG あり"},
    {"signature-expired", "鍵 {key_tag} による {type} の RRSIG は {expiration} に期限切れ（現在 {now}）"},
    {"signature-not-yet-valid", "鍵 {key_tag} による {type} の RRSIG は {inception} から有効（現在 {now}）"},
    {"signature-expiring", "鍵 {key_tag} による {type} の RRSIG は {expiration} に期限が切れる（あと {days} 日、警告は {warning_days} 日前）"},
    {"signature-validity:ok", "RRSIG {signatures} 個が現在有効"},
    {"signing-key-missing", "{type} の RRSIG が鍵 {key_tag} を指すが、その鍵が頂点の DNSKEY にない（鍵 {key_tags}）"},
    {"sep-key-missing", "頂点の DNSKEY に SEP フラグ（257）を持つものがない：鍵 {key_tags} はすべて ZSK"},
    {"signature-crypto:ok", "RRSIG {verified} 個を OpenSSL で検証した"},
    {"signature-crypto:signature-invalid", "{name} の {records} に対する鍵 {key_tag}（アルゴリズム {algorithm}）の RRSIG が {transport} で検証できない"},
    {"ds-delegation:no-answer:parent", "親のサーバが応答しない（{failure}）：委任を確認できない"},
    {"ds-missing", "親に {zone} の DS がない：信頼の連鎖が委任点で途切れる"},
    {"ds-algorithm-mismatch", "親の DS のアルゴリズムは {ds_algorithms}、子の鍵は {key_algorithms}"},
    {"ds-digest-mismatch", "親の DS（鍵タグ {ds_tags}）に一致する DNSKEY が頂点にない（頂点の鍵 {key_tags}）"},
    {"ds-key-not-zone-key", "DS が指す鍵（{key_tag}）にゾーン鍵フラグがない"},
    {"dnskey-not-signed-by-ds-key", "DS が指す鍵（{key_tag}）が DNSKEY RRset に署名していない"},
    {"ds-delegation:ok", "DS は KSK {key_tag} と一致"},
    {"ds-ttl-mismatch", "DS の TTL {ds_ttl} が委任 NS の TTL {ns_ttl} と異なる"},
    {"referral-without-ds", "親の委任応答に DS かその RRSIG がない"},
    {"denial-missing", "存在しない名前が署名付きの NSEC/NSEC3 なしに否定される"},
    {"referral-without-ds:ds", "親の委任応答に DS がない"},
    {"referral-without-ds:rrsig", "親の委任応答に DS はあるがその RRSIG がない"},
    {"ds-at-apex", "子ゾーンが自身の頂点に {zone} の DS を置いている"},
    {"nsec3param-missing", "{zone} は NSEC3 で不在証明するが頂点に NSEC3PARAM がない"},
    {"opt-out-mismatch", "NSEC3 のオプトアウトが {observed}、ゾーンの設定は {expected}"},
    {"denial-missing:records", "存在しない名前が NSEC も NSEC3 もなしに否定される"},
    {"denial-missing:rrsig", "存在しない名前を否定する {records} レコードに RRSIG がない"},
    {"denial:ok", "{records} による署名付きの不在証明"},
    {"resolver-reach:no-answer:udp", "フルリゾルバ {target} が UDP で応答せず（{failure}）TCP では応答する"},
    {"resolver-reach:no-answer:udp-tcp", "フルリゾルバ {target} が応答しない（{failure}）"},
    {"resolver-validation:no-answer:upstream", "フルリゾルバ {target} が EDE {ede} 付きの SERVFAIL を返す：ゾーンのサーバに到達できない（ゾーンではなく、その経路の障害）"},
    {"resolver-do:do-cleared:upstream", "フルリゾルバ {target} が自身のクエリを DO=0 で送る：DNSSEC を行っていない（検証が無効）"},
    {"resolver-do:not-measured:no-echo", "未測定：エコー名にエコーが返らなかった（{rcode}）。有効なトークン付きの dnspath 応答サーバの名前か？"},
    {"validation-failed", "ゾーン自体の確認はすべて合格なのに、フルリゾルバが SERVFAIL を返す[（EDE {ede}）]：トラストアンカー（または時刻）が誤っている"},
    {"ad-missing", "フルリゾルバが AD なしで応答する：検証していないか、ゾーンに至るトラストアンカーがない"},
    {"not-measured:unsupported-algorithm", "未測定：dnspath が検証しないアルゴリズムで署名されている（検証するのは 8、10、13、14、15）"},
    {"not-measured:no-parent", "未測定：--parent（親ゾーンのサーバ）を指定してください"},
    {"not-measured:same-server", "未測定：親と子が同じサーバにある"},
    {"not-measured:no-signatures", "未測定：署名が見つからなかった"},
    {"not-measured:no-dnskey", "未測定：頂点に DNSKEY がない"},
    {"not-measured:no-ds", "未測定：親に DS がない"},
    {"not-measured:no-referral", "未測定：親が委任応答を返さなかった"},
    {"not-measured:no-nxdomain", "未測定：ランダムな名前が否定されなかった（ワイルドカード？）"},
    {"not-measured:needs-responder", "未測定：フルリゾルバ自身のクエリは背後の dnspath 応答サーバかタップでしか見えない"},
};

const Table kCauseNames = {
    {"proxy-refused", "プロキシが自分のデータから応答"},
    {"header-bit-changed", "DNS ヘッダービットの書き換え"},
    {"name-case-changed", "名前の大文字・小文字の書き換え"},
    {"unknown-type-changed", "未知のタイプのレコードの書き換え"},
    {"nxdomain-rewritten", "NXDOMAIN の書き換え"},
    {"no-answer", "クエリの消失"},          {"size-cap", "サイズ制限"},
    {"mtu", "小さな MTU"},                  {"pmtud-blackhole", "経路 MTU 探索のブラックホール"},
    {"fragment-filter", "フラグメントのフィルタ"}, {"random-loss", "ランダムな損失"},
    {"truncated-without-tc", "切り詰められた応答"}, {"wrong-rcode", "誤った RCODE"},
    {"tcp-filter", "TCP 53 番のフィルタ"},   {"edns-buffer-cap", "EDNS バッファサイズの制限"},
    {"state-table-full", "状態テーブルの満杯"}, {"refuse-new", "新しいフローを拒否"}, {"open-files", "このホストで同時に開けるファイル数の上限"}, {"evict-old", "古いフローを追い出す"}, {"rate-limit", "レート制限"},
    {"interception", "横取り"},             {"nat", "NAT"},
    {"inconclusive", "未判定の原因"},
    {"short-mapping-timeout", "短い UDP 対応付けタイムアウト"},
};

const Table kFixes = {
    {"size-cap:under-1232", "{device} で 4096 オクテットまでの UDP の DNS 応答を通す（UDP 長の制限を外す）。それまでは"
                            "サーバの EDNS バッファサイズを {buffer} オクテット以下（届いた最大の応答）にして、それより大きな応答は "
                            "TC=1 で返して TCP に切り替えさせ、TCP 53 番は開けておく"},
    {"size-cap", "{device} で 4096 オクテットまでの UDP の DNS 応答を通す（UDP 長の制限を外す）か、サーバの EDNS バッファ"
                 "サイズを 1232 にして応答を収める。いずれにしても TCP 53 番は開けておく"},
    {"fragment-filter", "{device} で DNS の IP フラグメント（IPv4 の後続フラグメント、IPv6 のフラグメントヘッダ）を通すか、"
                        "サーバの EDNS バッファサイズを 1232 にして応答をフラグメントにしない"},
    {"pmtud-blackhole", "{device} で ICMP fragmentation-needed と ICMPv6 Packet Too Big を通す（決してフィルタしない）か、"
                        "リンク MTU を下げて TCP MSS をクランプし、パケットを収める"},
    {"mtu", "ICMP が通る限り失われるものはない。フラグメントになった応答を避けるにはサーバの EDNS バッファサイズを 1232 にする"},
    {"tcp-filter", "{device} で TCP 53 番を双方向に開ける（DNS には TCP が必要：RFC 7766）"},
    {"interception", "{device} の DNS の横取り（「DNS ガード」や透過プロキシ）を止めるか、対象への 53 番を変更せずに通す"},
    {"edns-buffer-cap", "{device} が通知または転送する EDNS バッファサイズを上げる（dnsmasq では --edns-packet-max）。"
                        "それまでは TCP で名前解決でき、往復が一回増える"},
    {"proxy-refused", "{device} の DNS プロキシがすべての名前を上流へ転送するよう設定する（Unbound なら forward-zone \".\"、dnsmasq なら --server）。または経路モードで試験する"},
    {"header-bit-changed:proxy-ad", "{device} の DNS プロキシが上流の応答の AD ビットをそのまま返すよう設定する（dnsmasq なら --proxy-dnssec）。またはプロキシ自身に DNSSEC 検証をさせる"},
    {"header-bit-changed:proxy-cd", "{device} の DNS プロキシを更新または交換する：クエリの CD を応答にコピーしなければならない（RFC 6840 5.9）"},
    {"name-case-changed:proxy", "{device} の DNS プロキシを更新または交換し、スタブが尋ねたとおりの質問（大文字・小文字を含む）で応答させる"},
    {"proxy-rewrite", "{device} の DNS プロキシが EDNS バッファサイズ、DO、オプションを変えずに転送するよう設定する"},
    {"option-stripped", "{device} を更新または設定し直し、EDNS オプションを変えずに転送させる"},
    {"do-cleared", "{device} を更新または設定し直し、DO ビットを転送させる。DO がなければ応答は署名されない"},
    {"header-bit-changed", "{device} を更新または設定し直し、DNS ヘッダーの AD・CD・Z ビットをそのまま通させる（多くは DNS ALG や検査機能が原因。無効にする）"},
    {"name-case-changed", "{device} を更新または設定し直し、クエリ名を送られた大文字・小文字のまま通させる（DNS ALG や検査機能を無効にする）"},
    {"unknown-type-changed", "{device} を更新または設定し直し、知らないレコードタイプもそのまま通させる（RFC 3597）。タイプを選別する DNS 検査機能を無効にする"},
    {"nxdomain-rewritten", "{device} の NXDOMAIN 書き換え（検索支援、DNS リダイレクト、存在しない名前へのアドレス応答）を無効にし、存在しない名前に NXDOMAIN が返るようにする"},
    {"rrsig-stripped", "{device} を更新または設定し直し、RRSIG レコードを通させる。ないと検証するリゾルバが失敗する"},
    {"truncated-without-tc", "{device} を交換または修正する：TC を立てずに応答を切るので、リゾルバが完全な応答と誤る"},
    {"nat", "サーバがクライアント自身のアドレスを見る必要がなければ直すものはない。必要なら {device} で NAT せずにルーティングする"},
    {"port-rewrite", "{device} の NAT が送信元ポートをランダムに割り当てるようにする（さもないと偽の応答が容易になる）"},
    {"state-table-full", "{device} の UDP 状態テーブルを大きくするか、DNS フローの UDP タイムアウトを短くする"},
    {"short-mapping-timeout", "{device} の DNS フロー（応答前のものも）の UDP タイムアウトを、計画の最小値以上に延ばす"},
    {"rate-limit", "{device} の新規フローの流量制限を上げるか、DNS を対象外にする"},
    {"random-loss", "{device} で損失の原因を探す：インタフェースのエラー、キューでの破棄、ポリサ"},
    {"refused", "両端に同じ鍵を与える（--key-file）"},
    // dnspath diagnose: the JPRS manual's remedies
    {"resolver-do:do-cleared", "フルリゾルバの DNSSEC 検証を有効にする（BIND は dnssec-validation auto、Unbound は module-config \"validator iterator\"、PowerDNS Recursor は dnssec=validate）（JPRS 確認項目 F-130、共通-3）"},
    {"server-reach:interception", "経路上の DNS の横取りや透過プロキシ（ルータの DNS ALG など）を止め、サーバへのクエリがサーバに届くようにする。代わりに応答するプロキシは DNSSEC のレコードを届けない"},
    {"server-reach:refused", "サーバにゾーンを読み込ませる。署名済みファイルが読み込めるか（named-checkzone、サーバのログ）と、ゾーン定義がそのファイルを指しているかを確認する（JPRS 確認項目共通-2、共通-3）"},
    {"dnskey-missing", "ゾーンに署名し（dnssec-keygen で KSK と ZSK を作り dnssec-signzone）、署名済みファイルを読み込ませる。named.conf のゾーン定義のファイル名を確認して再読み込みする（JPRS 確認項目共通-2、共通-3）"},
    {"rrsig-missing", "未署名ではなく署名済みのゾーンファイルを読み込ませ、サーバの DNSSEC を有効にする（JPRS 確認項目共通-2、共通-3）"},
    {"signature-expired", "ゾーンに再署名して再読み込みする。期限のかなり前に再署名されるようにする（BIND の dnssec-policy、Knot の自動署名）"},
    {"signature-not-yet-valid", "開始時刻を過去にして再署名し（dnssec-signzone -s now-1h）、署名するホストの時刻を確認する"},
    {"signature-expiring", "{expiration} より前に再署名する"},
    {"signing-key-missing", "署名に使った鍵の DNSKEY を頂点に公開し（.key ファイルをゾーンに追記）、再署名する"},
    {"sep-key-missing", "KSK を作り（dnssec-keygen -f KSK）、DNSKEY をゾーンに追記して再署名し、その DS を親に登録する"},
    {"ds-missing", "ゾーンの KSK の DS を（dnssec-dsfromkey で作り）正しいゾーン名で親に登録する"},
    {"ds-algorithm-mismatch", "現在公開している KSK の（そのアルゴリズムの）DS を親に登録するか、DS が指す KSK を公開する"},
    {"ds-digest-mismatch", "親の DS を、ゾーンが公開している KSK から作った DS（.key ファイルに dnssec-dsfromkey）に置き換える"},
    {"ds-key-not-zone-key", "ゾーン鍵フラグ（256 か 257）を持つ DNSKEY を DS が指すようにする"},
    {"dnskey-not-signed-by-ds-key", "DS が指す KSK で DNSKEY RRset に署名する（その鍵を渡して dnssec-signzone）"},
    {"ds-ttl-mismatch", "親で DS の TTL を委任 NS と同じにする"},
    {"referral-without-ds", "親を子の DS 付きで署名して提供し、委任応答に DS とその RRSIG が入るようにする"},
    {"ds-at-apex", "子のゾーンファイルから DS を削除して再署名・再読み込みし、DS は親に登録する"},
    {"nsec3param-missing", "NSEC3 で再署名し（dnssec-signzone -3 SALT）頂点に NSEC3PARAM を置き、再読み込みする"},
    {"opt-out-mismatch", "ゾーン本来のオプトアウト設定で再署名する（オプトアウトは dnssec-signzone -A）"},
    {"denial-missing", "すべての名前に NSEC（または NSEC3）とその RRSIG が付くよう再署名する"},
    {"ad-missing", "正しいトラストアンカーでフルリゾルバの検証を有効にする（BIND は dnssec-validation auto、Unbound は auto-trust-anchor-file）"},
    {"validation-failed", "フルリゾルバのトラストアンカー（ルートのもの、または信頼すべきゾーンの DS）を正し、時刻（NTP）を確認する"},
};

}  // namespace

const Messages& japanese_messages() {
    static const Messages tables{kJapanese, kTitles, kCauseNames, kFixes, japanese_words(), japanese_values(), japanese_item_labels()};
    return tables;
}

}  // namespace dnspath::reports
