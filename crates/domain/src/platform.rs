//! Platforms an account can live on (glossary: 平台).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Weibo,
    WechatOa,
    WechatChannels,
    Toutiao,
    Douyin,
    Kuaishou,
    Bilibili,
    Xiaohongshu,
    App,
    MiniProgram,
    Other,
}

impl Platform {
    pub const ALL: [Platform; 11] = [
        Platform::Weibo,
        Platform::WechatOa,
        Platform::WechatChannels,
        Platform::Toutiao,
        Platform::Douyin,
        Platform::Kuaishou,
        Platform::Bilibili,
        Platform::Xiaohongshu,
        Platform::App,
        Platform::MiniProgram,
        Platform::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Platform::Weibo => "weibo",
            Platform::WechatOa => "wechat_oa",
            Platform::WechatChannels => "wechat_channels",
            Platform::Toutiao => "toutiao",
            Platform::Douyin => "douyin",
            Platform::Kuaishou => "kuaishou",
            Platform::Bilibili => "bilibili",
            Platform::Xiaohongshu => "xiaohongshu",
            Platform::App => "app",
            Platform::MiniProgram => "mini_program",
            Platform::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Platform::Weibo => "微博",
            Platform::WechatOa => "微信公众号",
            Platform::WechatChannels => "微信视频号",
            Platform::Toutiao => "今日头条",
            Platform::Douyin => "抖音",
            Platform::Kuaishou => "快手",
            Platform::Bilibili => "哔哩哔哩",
            Platform::Xiaohongshu => "小红书",
            Platform::App => "移动客户端",
            Platform::MiniProgram => "小程序",
            Platform::Other => "其他",
        }
    }

    /// Parses a code ("douyin") or a Chinese label ("抖音").
    pub fn parse(s: &str) -> Option<Platform> {
        let s = s.trim();
        Platform::ALL
            .into_iter()
            .find(|p| p.code() == s || p.label() == s)
    }

    /// Self-built channels have no third-party certification (认证主体).
    pub fn is_self_built(self) -> bool {
        matches!(self, Platform::App | Platform::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip() {
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.code()), Some(p));
            assert_eq!(Platform::parse(p.label()), Some(p));
        }
        assert_eq!(Platform::parse("myspace"), None);
    }
}
