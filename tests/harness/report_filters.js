// Runs report.html's filter script on its rows with a tiny DOM stand-in; prints what each filter shows.
const fs=require('fs');
const html=fs.readFileSync(process.argv[2],'utf8');
const script=html.split('<script>')[1].split('</script>')[0];
function el(attrs,text){const cl=new Set(attrs.cls||[]);return {dataset:attrs.data||{},textContent:text||'',value:attrs.value||'',checked:true,
 classList:{toggle:(c,on)=>on?cl.add(c):cl.delete(c),has:c=>cl.has(c)},addEventListener:(e,f)=>{(attrs.l=attrs.l||[]).push(f)},_l:attrs}}
const rows=[...html.matchAll(/<tr class="rule" data-rule="([^"]+)" data-outcome="([^"]+)" data-level="([^"]*)">/g)].map(m=>el({data:{rule:m[1],outcome:m[2],level:m[3]}},m[1]));
const scen=[...html.matchAll(/<details class="scenario" data-outcome="([^"]+)" data-rules="([^"]*)" data-levels="([^"]*)"/g)].map(m=>el({data:{outcome:m[1],rules:m[2],levels:m[3]}},m[2]));
const outcome=['passed','failed','skipped'].map(v=>el({value:v}));
const ids={level:el({value:''}),text:el({value:''}),rule:el({value:''})};
global.document={querySelectorAll:s=>s==='tr.rule'?rows:s==='details.scenario'?scen:s==='input.outcome:checked'?outcome.filter(o=>o.checked):s==='input,select'?[...outcome,...Object.values(ids)]:[],getElementById:i=>ids[i]};
eval(script);
const visible=list=>list.filter(x=>!x.classList.has('hidden')).map(x=>x.dataset);
const result={all:visible(scen).length};
outcome[0].checked=false; outcome[2].checked=false; apply();
result.failed_only=visible(scen).map(d=>d.outcome);
result.failed_rules=visible(rows).map(d=>d.outcome);
outcome[0].checked=true; outcome[2].checked=true; ids.rule.value=process.argv[3]; apply();
result.by_rule=visible(scen).map(d=>d.rules);
console.log(JSON.stringify(result));
