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
    {"udp-no-edns", "EDNS なしの DNS で 512 オクテットまで応答できる"},
    {"edns-truncation", "大きすぎる応答は TC=1 で返る"},
    {"path-trace", "プローブの通り道（TTL を限った複製）"},
    {"dns-proxy", "DNS プロキシが DNSSEC の応答を通す"},
    {"udp-sessions", "多数の新しい UDP フローを同時に通す"},
    {"device-load", "機器を通したスループットと遅延"},
    {"dns-interception", "クエリが横取りされずに対象に届く"},
};

const Table kJapanese = {
    {"ok", "合格"},
    {"not-measured", "未測定"},
    {"not-measured:unreachable", "未測定：対象に到達できない"},
    {"not-measured:no-target", "未測定：このアドレスファミリの対象が指定されていない"},
    {"not-measured:target-mode", "対象モードでは未測定：'{kind}' 種別には dnspath の応答器が必要"},
    {"not-measured:not-implemented", "未測定：プローブ種別 '{kind}' はまだ実装されていない"},
    {"not-measured:no-proxy", "試験するこのファミリのプロキシがない：--proxy ADDRESS か target.proxies（CPE の LAN 側アドレス）を指定する"},
    {"not-measured:no-baseline",
     "比較の基準がない：--baseline ADDRESS か target.baseline（機器を通さずに届くサーバ）を指定する"},
    {"not-measured:no-echo", "エコーが返らず、サーバが何を受け取ったか分からない"},
    {"not-measured:too-few-answers", "判定するには応答が少なすぎる（{answers}）"},
    {"not-measured:not-exercised", "この経路ではフラグメントが必要にならなかった（手元のリンクの MTU {mtu} で 4000 オクテットの応答がそのまま届く）"},
    {"not-measured:no-trace", "追跡していない：{detail}"},
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
    {"no-answer:edns-version", "EDNS バージョン 1 のクエリが捨てられた（{outcome}）"},
    {"no-answer:proxy", "プロキシ {proxy} が小さなクエリに応答しない（{outcome}）"},
    {"no-answer:small", "応答に {records} のレコードがない"},
    {"qdcount:no-answer", "QDCOUNT 0 への応答は {qdcount0}、QDCOUNT 2 への応答は {qdcount2}：RFC 9619 では FORMERR"},
    {"size-cap", "{size} オクテット以上の UDP 応答が痕跡なく消える（通知したサイズ {advertised}[、届いた最大 "
                 "{largest} オクテット ±8][、{gap} オクテットの隔たり]）[；{fails} 件失敗][：{names}]"},
    {"pmtu:size-cap", "{size} オクテット以上の応答パケットが DF の有無にかかわらず消える：MTU ではなくサイズによるフィルタ"
                      "（udp-large を参照）。サーバ方向の DF パケットの最大 {forward}、戻り方向 {back}"},
    {"udp-fragments:size-cap", "フラグメントになった大きな応答が失われる（{answers_lost} オクテット）一方、小さなフラグメントの"
                               "クエリは通る：フラグメントそのものはフィルタされていない。先の区間の小さな MTU（pmtu を参照）"
                               "か UDP 長によるフィルタ（udp-large を参照）"},
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
    {"fragment-filter", "IP フラグメントが捨てられている（{direction}、{family}）：フラグメントになった DNS メッセージは"
                        "完全な形で届かない[；失われた応答：{answers_lost} オクテット][；{queries_lost} オクテットの"
                        "フラグメント化したクエリが失われた]"},
    {"fragment-filter:answers", "フラグメント化した応答が捨てられている（{family}）：1 パケットに収まらない応答はすべて戻り道で"
                                "失われ、フラグメント化したクエリは通る[；失われた応答：{answers_lost} オクテット]"},
    {"fragment-filter:queries", "フラグメント化したクエリが捨てられている（{family}）：1 パケットに収まらないクエリはサーバに"
                                "届かない[；{queries_lost} オクテットのフラグメント化したクエリが失われた]"},
    {"mtu", "経路上に小さな MTU がある[（{mtu}）]が、それを知らせる ICMP は届く[（送信元 {sender}）]"},
    {"pmtu:mtu:queries", "経路 MTU {forward}：{icmp_from} からの ICMP too big が MTU {icmp_mtu} を知らせたので、経路 MTU 探索は働く"},
    {"pmtu:mtu:answers", "DF 付きで送った {back} オクテットを超える応答が戻り道で消える（DF を立てるサーバと TCP はここで"
                         "経路 MTU 探索に頼る。その ICMP はサーバ宛て）"},
    {"pmtud-blackhole", "経路 MTU 探索のブラックホール：経路 MTU を超えるパケットが消え、ICMP too big が送信元に届かない"
                        "[（{icmp_dropped_by} が捨てている）][；影響：{transports}]"},
    {"pmtu:pmtud-blackhole:queries", "サーバ方向の経路 MTU 探索のブラックホール：{forward} オクテットを超える DF パケットが消え、"
                                     "ICMP too big が返らない[（{icmp_dropped_by} が捨てている）]；影響：{transports}"},
    {"pmtu:pmtud-blackhole:answers", "プローブ方向の経路 MTU 探索のブラックホール：{back} オクテットを超える応答パケットが"
                                     "再送後も消え、サーバは Packet Too Big を受け取れない。同じ応答を 1280 オクテットの"
                                     "フラグメントで送ると届く[（{icmp_dropped_by} が ICMP を捨てている）]；影響：{transports}"},
    {"tcp-filter", "TCP 53 番がフィルタされている[（{action}、段階：{stage}）]"},
    {"tcp-filter:reset", "TCP 53 番が拒否された：接続にリセットが返った（段階：{stage}）"},
    {"tcp-filter:drop", "TCP 53 番が黙って捨てられた（段階：{stage}）"},
    {"dnssec-passthrough:tcp-filter", "署名付きの {size} オクテットの応答が TC=1 で返り、TCP での再問い合わせに失敗した"},
    {"dns-proxy:tcp-filter", "プロキシから署名付きの {size} オクテットの応答が TC=1 で返り、TCP での再問い合わせに失敗した"},
    {"interception", "経路上の機器が DNS を横取りしている[（{device}）]：対象へのクエリにその機器が自ら応答するか、"
                     "送り直している[（根拠：{evidence}）][；{instead_of}に見えたのはこのため]"},
    {"proxy-rewrite", "プロキシが途中でクエリを書き換えた（{field}）"},
    {"proxy-rewrite:bufsize", "EDNS バッファサイズが途中で書き換えられた[（{from} から][ {to} へ）][：{answer} オクテットの"
                              "応答が TC=1 なしで返った]"},
    {"proxy-rewrite:z", "EDNS の Z ビットが途中で {to} に変えられた"},
    {"proxy-rewrite:options", "EDNS オプションが途中で変えられた：{options}"},
    {"tcp-fallback:proxy-rewrite", "リゾルバは TCP に切り替えられない：大きすぎる問い合わせに TC=1 なしの {answer} オクテットの "
                                   "UDP 応答が返った（バッファサイズが書き換えられていた）"},
    {"dns-proxy:proxy-rewrite", "プロキシが上流に通知するのは {to} オクテットだけ（1232 未満）"},
    {"option-stripped", "EDNS オプションが取り除かれた[（{direction}）]：{options}"},
    {"do-cleared", "DO=1 が[途中で（{direction}）]消された：応答は署名なしで返る"},
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
                         "そのあと一本ずつ送ったフローも捨てられる（{paced_flows} 本中 {paced_answered} 本）：約 {answered} "
                         "フローで状態テーブルが満杯"},
    {"refused", "サーバがサイズ指定の応答を REFUSED にした：プローブの鍵が応答器の鍵と一致しない（--key-file）か、"
                "対象が dnspath の応答器ではない"},
    {"wrong-rcode", "{expected} ではなく {rcode} が返った"},
    {"qdcount:wrong-rcode", "QDCOUNT 0 への応答は {qdcount0}、QDCOUNT 2 への応答は {qdcount2}：RFC 9619 では FORMERR"},
    {"loss-located", "追跡 {traced}：プローブが途中で失われる[（{direction}）][（ホップ {hop} の先）][；経路 {route}]"},
    {"loss-located:answer", "追跡 {traced}：同じクエリで応答が小さければ応答があるので、クエリはサーバに届き[ {size} "
                            "オクテットの]応答が戻り道で失われている[（クエリはホップ {hop} まで見えた）][；経路 {route}]"},
    {"loss-located:query", "追跡 {traced}：クエリがサーバに届かない[；ホップ {hop} の先で失われる][；経路 {route}]"},
    {"query-changed", "追跡 {traced}：クエリが途中で変えられた：{change_list}[；経路 {route}]"},
    {"overload", "機器を通した負荷時 {through_text}；機器なし {baseline_text}；スループット比 {ratio}"},
    {"overload:drops", "負荷がかかると機器がクエリを捨てる：{through_text}；機器なし {baseline_text}"},
    {"overload:slow", "機器がスループットの半分以上を奪う：{through_text}；機器なし {baseline_text}（比 {ratio}）"},
    {"overload:nothing-through", "負荷時に機器を通した応答が一つもない；機器なし {baseline_text}"},
    {"overload:nothing-answered", "負荷時、機器を通しても通さなくても応答が一つもない"},
    {"probe-error", "プローブを実行できなかった：{detail}"},
    {"udp-large:ok", "[{from} から {to} オクテットまでの全サイズが完全に届いた（通知したサイズ {advertised}）][（届いた最大 {largest} オクテット）]"},
    {"udp-no-edns:ok", "EDNS なしで 512 オクテットの応答が届き、600 オクテットは TC=1 で返った"},
    {"edns-truncation:ok", "バッファ 1232 オクテットへの 3000 オクテットの応答が TC=1 で返った（{size} オクテット）"},
    {"tcp-direct:ok", "TCP 53 番で応答が届いた[（{size} オクテット）][（{rtt_ms} ms）][（{name}）]"},
    {"tcp-fallback:ok", "UDP で TC=1、そのあと TCP で応答全体が届いた[（{size} オクテット）][（{name}）]"},
    {"edns-options:ok", "Cookie、Padding、EDE、Report-Channel、未知のオプション（65001）、DO=1 とバッファサイズが変更されずに"
                        "応答器に届いた"},
    {"edns-version:ok", "EDNS バージョン 1 に BADVERS が返った"},
    {"qdcount:ok", "QDCOUNT 0 と 2 のどちらにも FORMERR が返った"},
    {"udp-fragments:ok", "フラグメントは通る：{answers_passed} オクテットの応答[、{queries_passed} オクテットの"
                         "フラグメント化したクエリ][；{no_raw}]"},
    {"pmtu:ok", "DF 付きのパケットが双方向に通る：サーバ方向の最大 {forward}、戻り方向 {back}（{ceiling} まで試験）"},
    {"dnssec-passthrough:ok", "[{dnskey_size} オクテットの DNSKEY RRset（鍵タグ {key_tag}）と {sizes} オクテットの署名付き応答が"
                              "検証できる RRSIG 付きで届き、DO はサーバに届く][DO=1 の応答はすべて RRSIG 付きだった"
                              "（{names} 件の名前）]"},
    {"dns-proxy:ok", "プロキシ {proxy} は上流に EDNS {upstream_bufsize} で問い合わせ、DO を通し、検証できる RRSIG 付きの"
                     "署名付き応答を返す"},
    {"udp-sessions:ok", "同時に開いた新しい UDP フロー {flows} 本のうち {answered} 本すべてに応答があった"},
    {"device-load:ok", "機器を通して {through_text}；機器なし {baseline_text}；スループット比 {ratio}"},
    {"path-trace:ok", "追跡 {traced}：{route}"},
    {"dns-interception:ok", "クエリは対象そのものに届く：エコーに送った DNS ID とファミリが見え、RA は立っていない"},
    {"finding:query-dropped", "{device} がクエリを捨てた[（フラグメント {fragments} 個）]"},
    {"finding:answer-dropped", "{device} が応答を捨てた[（{size} オクテット、フラグメント {fragments} 個）]"},
    {"finding:fragments-dropped", "{device} は{direction}のフラグメント {fragments} 個のうち {passed} 個を通し、残りを捨てた"},
    {"finding:icmp-too-big", "{device} は{direction}を MTU {mtu} には大きすぎるとして拒み、それを知らせた（ICMP フレーム {icmp_frame}）"},
    {"finding:icmp-time-exceeded", "{device} で{direction}の TTL が尽き、それを知らせた"},
    {"finding:icmp-unreachable", "{device} が{direction}を ICMP unreachable（コード {code}）で拒んだ"},
    {"finding:icmp-dropped", "{device} が、{sender} が{direction}について送った ICMP too big（MTU {mtu}）を捨てた："
                             "経路 MTU 探索のブラックホール"},
    {"finding:answered-locally", "{device} がクエリに自ら応答した。サーバには届いていない"},
    {"finding:opt-removed", "{device} が{direction}から OPT レコードを取り除いた"},
    {"finding:bufsize-rewritten", "{device} がクエリの EDNS バッファサイズを {from} → {to} に書き換えた"},
    {"finding:do-cleared", "{device} がクエリの DO を消した"},
    {"finding:options-stripped", "{device} が{direction}から EDNS オプションを取り除いた：{options}"},
    {"finding:tc-set", "{device} が応答を切り詰めた（TC=1、{from} → {to} オクテット）"},
    {"finding:answer-cut", "{device} が応答を TC なしで {from} から {to} オクテットに切った"},
    {"finding:rrsig-stripped", "{device} が応答から RRSIG を取り除いた（{from} → {to}）"},
    {"finding:tcp-syn-dropped", "{device} が TCP SYN を捨てた"},
    {"finding:tcp-syn-reset", "{device} が TCP SYN にリセットを返した"},
    {"finding:tcp-synack-dropped", "{device} が TCP SYN-ACK を捨てた"},
    {"finding:tcp-data-dropped", "{device} は TCP のハンドシェイクを通し、応答のセグメントを捨てた"},
    {"finding:reoriginated", "{device} が DNS プロキシとして{direction}を送り直した（DNS ID {from_id} → {to_id}）"},
    {"finding:destination-changed", "{device} がクエリを {from} ではなく {to} に送った（DNAT または横取り）"},
    {"finding:source-translated", "{device} が送信元を {from} → {to} に変換した"},
    {"finding:ttl-lowered", "{device} が{direction}の TTL を {by} 減らした（内部にホップが隠れている）"},
    {"finding:ttl-raised", "{device} が{direction}の TTL を {from} → {to} に上げた（パケットを送り直した）"},
    {"finding:reassembled", "{device} が{direction}のフラグメントを {from} → {to} に変えた"},
    {"finding:not-at-first-tap", "クエリが最初のタップ（{tap}）に届かなかった"},
    {"finding:lost-between-taps", "タップのない {between} の間で失われた（{instead_of}）"},
    {"finding:tap-lost-packets", "{between} の間で失われたが、そこのタップがパケットを取りこぼしたため誰も責めない（{instead_of}）"},
};

const Table kCauseNames = {
    {"no-answer", "クエリの消失"},          {"size-cap", "サイズ制限"},
    {"mtu", "小さな MTU"},                  {"pmtud-blackhole", "経路 MTU 探索のブラックホール"},
    {"fragment-filter", "フラグメントのフィルタ"}, {"random-loss", "ランダムな損失"},
    {"truncated-without-tc", "切り詰められた応答"}, {"wrong-rcode", "誤った RCODE"},
    {"tcp-filter", "TCP 53 番のフィルタ"},   {"edns-buffer-cap", "EDNS バッファサイズの制限"},
};

const Table kFixes = {
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
    {"proxy-rewrite", "{device} の DNS プロキシが EDNS バッファサイズ、DO、オプションを変えずに転送するよう設定する"},
    {"option-stripped", "{device} を更新または設定し直し、EDNS オプションを変えずに転送させる"},
    {"do-cleared", "{device} を更新または設定し直し、DO ビットを転送させる。DO がなければ応答は署名されない"},
    {"rrsig-stripped", "{device} を更新または設定し直し、RRSIG レコードを通させる。ないと検証するリゾルバが失敗する"},
    {"truncated-without-tc", "{device} を交換または修正する：TC を立てずに応答を切るので、リゾルバが完全な応答と誤る"},
    {"nat", "サーバがクライアント自身のアドレスを見る必要がなければ直すものはない。必要なら {device} で NAT せずにルーティングする"},
    {"port-rewrite", "{device} の NAT が送信元ポートをランダムに割り当てるようにする（さもないと偽の応答が容易になる）"},
    {"state-table-full", "{device} の UDP 状態テーブルを大きくするか、DNS フローの UDP タイムアウトを短くする"},
    {"rate-limit", "{device} の新規フローの流量制限を上げるか、DNS を対象外にする"},
    {"random-loss", "{device} で損失の原因を探す：インタフェースのエラー、キューでの破棄、ポリサ"},
    {"refused", "両端に同じ鍵を与える（--key-file）"},
};

const Table kWords = {
    {"findings", "所見"},
    {"fix", "対処"},
    {"fails", "不合格の項目"},
    {"severity:broken", "ここで DNS が壊れる"},
    {"severity:degraded", "DNS が劣化する：名前解決は TCP でまだできるが、往復が一回増える"},
    {"severity:notice", "知っておくべきこと"},
    {"severity-name:broken", "故障"},
    {"severity-name:degraded", "劣化"},
    {"severity-name:notice", "注意"},
    {"column:checkpoint", "確認点"},
    {"column:family", "ファミリ"},
    {"column:verdict", "判定"},
    {"column:device", "機器"},
    {"column:reason", "理由"},
    {"column:items", "確認項目"},
    {"column:tap", "タップ"},
    {"column:source", "取得元"},
    {"column:frames", "フレーム"},
    {"column:lost", "取りこぼし"},
    {"column:pcapng", "pcapng"},
    {"status:pass", "合格"},
    {"status:fail", "不合格"},
    {"status:warn", "警告"},
    {"status:na", "未測定"},
    {"totals", "不合格 {failed}、警告 {warn}、合格 {passed}[、未測定 {na}]"},
    {"summary", "{family}：最大の UDP 応答 {largest}、経路 MTU {mtu}、NAT {nat}[、負荷 機器経由 {through} q/s・機器なし "
                "{baseline} q/s（p99 {p99_through} ms・{p99_baseline} ms）]"},
    {"octets", "{n} オクテット"},
    {"unknown", "不明"},
    {"yes", "あり"},
    {"no", "なし"},
    {"nothing", "なし"},
    {"interrupted", "中断：これらの判定は中断までに測定した分だけを扱う"},
    {"probe-line", "プローブ {id}（{kind}[ {transport}][、サイズ {size}][、バッファ {bufsize} DO={do}][、{no_edns}][、{df}]"
                   "[、クエリを {fragment_size} のフラグメントで]）：{outcome}[、{answer_size} オクテット][、{icmp_from} "
                   "から ICMP too big（MTU {icmp_mtu}）][、{attempts} 回目で][ — {detail}]"},
    {"no-edns", "EDNS なし"},
    {"finding-line", "プローブ {probe}：{sentence}[ [{taps}]]"},
    {"tap-frames", "{tap}：[クエリ #{query}][{no_query}]、[応答 #{answer}][{no_answer}]"},
    {"no-query", "クエリなし"},
    {"no-answer", "応答なし"},
    {"capture", "キャプチャ"},
    {"title", "dnspath 報告"},
    {"heading:fail", "この経路は DNS を壊す"},
    {"heading:warn", "この経路は DNS を歪める"},
    {"heading:pass", "この経路は DNS を運ぶ"},
    {"meta", "不合格 {failed}、警告 {warn}、合格 {passed}"},
    {"targets", "対象"},
    {"interrupted-short", "中断：中断までに測定した分だけ"},
    {"section:path", "経路"},
    {"section:sizes", "応答サイズ"},
    {"sizes-legend", "各プローブを要求した応答サイズの位置に示す：緑は到着、橙は TC=1、赤は消失。破線は届いた最大、点線は経路 MTU。"},
    {"section:load", "機器を通した負荷"},
    {"section:verdicts", "判定"},
    {"section:taps", "タップ"},
    {"section:summary", "まとめ"},
    {"evidence", "根拠"},
    {"largest-delivered", "届いた最大：{n} オクテット"},
    {"path-mtu", "経路 MTU {n}"},
    {"through", "機器経由"},
    {"without", "機器なし"},
    {"server", "サーバ"},
    {"probe", "プローブ"},
    {"tap-title", "{tap}：{frames} フレーム、取りこぼし {lost}"},
    {"junit:unattributed", "機器を特定できず"},
    {"compare:heading", "{old} から {new} への変化"},
    {"compare:totals", "悪化 {worse}、改善 {better}、変化 {changed}、変化なし {same}"},
    {"compare:none", "変化なし"},
    {"compare:worse", "悪化"},
    {"compare:better", "改善"},
    {"compare:changed", "変化"},
    {"compare:figure", "{family} の{figure}：{from} → {to}"},
    {"figure:largest_udp_answer", "最大の UDP 応答"},
    {"figure:path_mtu", "経路 MTU"},
    {"figure:nat", "NAT"},
    {"column:before", "前"},
    {"column:after", "後"},
    {"load-figures", "{qps} q/s、遅延 p50 {p50} ms・p99 {p99} ms、{sent} 件中 {lost} 件消失"},
    {"no-hop", "どのホップも応答せず"},
    {"hop-change", "ホップ {hop} で {field} が変化[（{value}）]"},
    {"no-raw", "フラグメント化したクエリは送っていない：raw ソケットには CAP_NET_RAW が必要"},
    {"and", "と"},
    {"list", "、"},
    {"column:change", "変化"},
    {"more", "ほか {n} 件"},
    {"legend:guilty", "失敗の原因とされた機器"},
    {"legend:suspect", "警告の原因とされた機器"},
    {"legend:clean", "問題なし"},
    {"legend:tap", "タップ"},
    {"legend:tap-lost", "パケットを取りこぼしたタップ"},
    {"buffer", "バッファ {n}"},
    {"figure:load", "負荷"},
    {"load-cell", "機器経由 {through} q/s、機器なし {baseline} q/s[（p99 {p99_through} 対 {p99_baseline} ms）]"},
    {"not-measured", "未測定"},
    {"section:matrix", "失敗したプローブのタップごとの記録"},
    {"matrix-legend", "各タップの pcapng のフレーム番号（Wireshark で開き、フィルタを貼り付けてください）。"
                      "ダッシュはそのタップがメッセージを見なかったことを示します。"},
    {"row:query", "クエリ"},
    {"row:answer", "応答"},
    {"wireshark-filter", "Wireshark 表示フィルタ"},
};

// Parameter values that are words, as they read inside a Japanese sentence.
const Table kValues = {
    {"queries", "クエリ"},     {"query", "クエリ"},         {"answers", "応答"},
    {"answer", "応答"},        {"both", "両方向"},          {"upstream", "上流へのクエリ"},
    {"timeout", "タイムアウト"}, {"truncated", "TC=1"},     {"refused", "REFUSED"},
    {"reset", "リセット"},     {"error", "エラー"},         {"undecodable", "解読不能"},
    {"drop", "破棄"},          {"syn", "SYN"},              {"data", "データ"},
    {"sequential", "連番"},    {"fixed", "固定"},           {"preserved", "保存"},
    {"udp", "UDP"},            {"tcp", "TCP"},              {"ipv4", "IPv4"},
    {"ipv6", "IPv6"},          {"responder", "応答器"},     {"target", "対象"},
};

}  // namespace

const Messages& japanese_messages() {
    static const Messages tables{kJapanese, kTitles, kCauseNames, kFixes, kWords, kValues};
    return tables;
}

}  // namespace dnspath::reports
