/**
 * Traditional Chinese characters common in HR and IT messages, and their simplified forms, so a
 * message typed in Taiwan or Hong Kong ("工資都沒到賬") meets the same features and signals as one
 * typed on the mainland ("工资都没到账"). Character by character: no phrase conversion is needed for
 * the words triage looks for.
 */
const TRADITIONAL =
  '們個這來時會為說對還過點發開關門問題請號員資賬沒無錄統單線網絡電腦間後與從當讓給經於樣處應該裡裏嗎麼幾萬億廠區園總辦務業' +
  '報稅險積勞動額銀帳戶證護機維權設備職場組織調審簽聯繫級層樓現實際錯誤異斷連碼驗郵釣魚洩駭盜竊風緊狀況變訊體檢測醫療輸數據' +
  '庫檔傳導歷計項週準確認則規範覽擊載鎖達幫謝聽見覺顯將進遠運營專頁鏈結塊兩滿舊雙東廣蘇濟陽漢島灣臺義鄭寧慶責負擔預約補償獎' +
  '勵繳納續費幣並眾團隊齊儘遲產喪離轉換參議論類別種選擇標記紀階師歲嚴壞廳協辭獲佈係卻啟執夠媽學寫屆帶幹廢彈徑態慮戲掃掛採損' +
  '搶撥擴暫條棄歸殺滅潰災煩爭獨瑪畫疊盡盤矯礙禮稱穩窮筆節簡糧紅紙終絕綁綜緒練縮績罰聲腳興舉著藝複觸訂訓託訪許診詢試詳誰課談' +
  '識讀貨質購賣贈趕躍車軟較輕農遞鄉釋錢鐘鑰閉閱隨雜雲靈頓頭頻顧飛飯驅鬆麥齡倉貼鋪邊';
const SIMPLIFIED =
  '们个这来时会为说对还过点发开关门问题请号员资账没无录统单线网络电脑间后与从当让给经于样处应该里里吗么几万亿厂区园总办务业' +
  '报税险积劳动额银账户证护机维权设备职场组织调审签联系级层楼现实际错误异断连码验邮钓鱼泄骇盗窃风紧状况变讯体检测医疗输数据' +
  '库档传导历计项周准确认则规范览击载锁达帮谢听见觉显将进远运营专页链结块两满旧双东广苏济阳汉岛湾台义郑宁庆责负担预约补偿奖' +
  '励缴纳续费币并众团队齐尽迟产丧离转换参议论类别种选择标记纪阶师岁严坏厅协辞获布系却启执够妈学写届带干废弹径态虑戏扫挂采损' +
  '抢拨扩暂条弃归杀灭溃灾烦争独玛画叠尽盘矫碍礼称稳穷笔节简粮红纸终绝绑综绪练缩绩罚声脚兴举着艺复触订训托访许诊询试详谁课谈' +
  '识读货质购卖赠赶跃车软较轻农递乡释钱钟钥闭阅随杂云灵顿头频顾飞饭驱松麦龄仓贴铺边';

const TO_SIMPLIFIED = new Map([...TRADITIONAL].map((c, i) => [c, SIMPLIFIED[i]]));
const ANY_TRADITIONAL = new RegExp(`[${TRADITIONAL}]`, 'gu');

/**
 * Written Cantonese words and their Mandarin forms, so "啲同事打唔到卡" meets the signals written for
 * "同事打不了卡". Longest first; applied after the characters are simplified. 係 is left alone: as a
 * character it is also 关系's 系.
 */
const CANTONESE: [string, string][] = [
  ['唔到', '不了'],
  ['唔得', '不行'],
  ['冇晒', '全没了'],
  ['佢哋', '他们'],
  ['我哋', '我们'],
  ['你哋', '你们'],
  ['乜嘢', '什么'],
  ['点解', '为什么'],
  ['边度', '哪里'],
  ['边个', '谁'],
  ['成间公司', '整个公司'],
  ['成晚', '整晚'],
  ['成日', '整天'],
  ['搞掂', '搞定'],
  ['唔该', '谢谢'],
  ['唔', '不'],
  ['冇', '没有'],
  ['佢', '他'],
  ['咗', '了'],
  ['啲', '些'],
  ['嘅', '的'],
  ['喺', '在'],
  ['睇', '看'],
  ['嘢', '东西'],
  ['咩', '什么'],
  ['畀', '给'],
  ['攞', '拿'],
  ['嗰', '那'],
  ['咁', '这样'],
];
const ANY_CANTONESE = new RegExp(CANTONESE.map(([c]) => c).join('|'), 'gu');
const TO_MANDARIN = new Map(CANTONESE);

/**
 * The text with these traditional characters replaced by their simplified forms, and written
 * Cantonese words by their Mandarin ones.
 */
export function toSimplified(text: string): string {
  return text
    .replace(ANY_TRADITIONAL, (c) => TO_SIMPLIFIED.get(c) ?? c)
    .replace(ANY_CANTONESE, (w) => TO_MANDARIN.get(w) ?? w);
}
